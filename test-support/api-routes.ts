import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every HTTP route the server declares, with who may call it: the reliability suite fuzzes each one
 * and runs each through the access-control matrix. `declaredRoutes()` reads the routers' source, so a
 * test fails when a route is added without being listed here.
 */
export type Audience =
  /** Anyone, no credential (the public booking API, pages). */
  | 'anyone'
  /** A personal link token (`Authorization: Bearer`) of the citizen or a companion. */
  | 'link'
  /** A staff session cookie, and the CSRF header on writes. */
  | 'staff'
  /** Signing in: no credential needed, and a session cookie sent along is ended. */
  | 'sign-in'
  /** Only the holder of a one-time set-password link (`npm run admin`); no cookie or token opens it. */
  | 'password-link';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** With `:params`; the tests fill them in. */
  path: string;
  audience: Audience;
  /** A body the route accepts; the fuzzer mutates it. */
  body?: unknown;
  /** Only the citizen who booked, not a companion. */
  citizenOnly?: boolean;
  /** Only a beheerder, not a medewerker. */
  beheerder?: boolean;
  /** Changes state later requests rely on (cancels, ends, signs out): called with care. */
  destructive?: boolean;
  /** Answers with a stream that stays open (Server-Sent Events). */
  stream?: boolean;
  /** Mounted only with OIDC_ISSUER set: the matrix's server has none (staff/oidc.test.ts runs them against a provider). */
  needsOidc?: boolean;
}

const booking = {
  serviceId: 'mantelzorgpremie',
  start: '2027-03-02T08:00:00.000Z',
  channel: 'video',
  locationId: null,
  lang: 'nl',
  citizen: { name: 'Marie Claes', email: 'marie@example.org', phone: '0470 12 34 56' },
  companion: { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' },
  intake: { zorgvrager: 'Mijn ouders' },
  consent: true,
  returnUrl: 'https://www.wilsede.be/afspraak',
};
const slotChoice = { start: '2027-03-02T08:40:00.000Z', channel: 'video', locationId: null };
const texts = { nl: { name: 'Parkeerkaart', description: 'Een kaart voor bewoners.' } };

export const apiRoutes: RouteSpec[] = [
  { method: 'GET', path: '/api/config', audience: 'anyone' },
  { method: 'GET', path: '/api/services', audience: 'anyone' },
  { method: 'GET', path: '/api/services/:serviceId', audience: 'anyone' },
  { method: 'GET', path: '/api/services/:serviceId/slots', audience: 'anyone' },
  { method: 'GET', path: '/api/locations', audience: 'anyone' },
  { method: 'POST', path: '/api/appointments', audience: 'anyone', body: booking },

  { method: 'GET', path: '/api/appointment', audience: 'link' },
  { method: 'DELETE', path: '/api/appointment', audience: 'link', citizenOnly: true, destructive: true },
  { method: 'POST', path: '/api/appointment/reschedule', audience: 'link', citizenOnly: true, body: slotChoice },
  { method: 'POST', path: '/api/appointment/companions', audience: 'link', citizenOnly: true, body: { name: 'Ann Vos', email: 'ann@example.org', role: 'interpreter' } },
  { method: 'DELETE', path: '/api/appointment/companions/:companionId', audience: 'link', citizenOnly: true, destructive: true },
  { method: 'POST', path: '/api/appointment/switch-to-phone', audience: 'link', citizenOnly: true, destructive: true, body: { phone: '0470 12 34 56' } },
  { method: 'POST', path: '/api/appointment/device-fallback', audience: 'link', citizenOnly: true, body: { choice: 'audio-only' } },
  { method: 'POST', path: '/api/meeting/join', audience: 'link' },
  { method: 'GET', path: '/api/meeting/state', audience: 'link' },
  { method: 'POST', path: '/api/meeting/device-check', audience: 'link', body: { result: 'passed', audioOnly: false } },
  { method: 'POST', path: '/api/meeting/feedback', audience: 'link', body: { score: 4, comment: 'Vlot geholpen.' } },

  { method: 'GET', path: '/api/appointment/documents', audience: 'link' },
  { method: 'GET', path: '/api/appointment/documents/:documentId/file', audience: 'link' },
  { method: 'DELETE', path: '/api/appointment/documents/:documentId', audience: 'link', destructive: true },

  { method: 'POST', path: '/api/staff/login', audience: 'sign-in', body: { email: 'an.peeters@wilsede.invalid', password: 'wilsede-demo' } },
  { method: 'POST', path: '/api/staff/password-link', audience: 'password-link', body: { token: 'x'.repeat(43), newPassword: 'een-goed-wachtwoord' } },
  { method: 'GET', path: '/api/staff/session', audience: 'staff' },
  { method: 'POST', path: '/api/staff/logout', audience: 'staff', destructive: true },
  { method: 'POST', path: '/api/staff/password', audience: 'staff', body: { currentPassword: 'wrong-password', newPassword: 'a-new-password-123' } },
  { method: 'GET', path: '/api/staff/sign-in-options', audience: 'anyone' },
  { method: 'GET', path: '/api/staff/oidc/start', audience: 'anyone', needsOidc: true },
  { method: 'GET', path: '/api/staff/oidc/callback', audience: 'anyone', needsOidc: true },
  { method: 'POST', path: '/api/staff/login/totp', audience: 'staff', body: { code: '123456' } },
  { method: 'GET', path: '/api/staff/mfa', audience: 'staff' },
  { method: 'POST', path: '/api/staff/mfa/totp/setup', audience: 'staff', body: {} },
  { method: 'POST', path: '/api/staff/mfa/totp/confirm', audience: 'staff', body: { code: '123456' } },
  { method: 'POST', path: '/api/staff/mfa/totp/remove', audience: 'staff', body: { code: '123456' } },
  { method: 'GET', path: '/api/staff/accounts', audience: 'staff' },
  { method: 'PATCH', path: '/api/staff/accounts/:staffId', audience: 'staff', beheerder: true, body: { role: 'medewerker' } },
  { method: 'POST', path: '/api/staff/accounts/:staffId/password-link', audience: 'staff', beheerder: true, body: {} },
  {
    method: 'POST',
    path: '/api/staff/accounts',
    audience: 'staff',
    beheerder: true,
    body: { name: 'Nieuwe Medewerker', email: 'nieuw@wilsede.invalid', role: 'medewerker', password: 'een-goed-wachtwoord', serviceIds: ['mantelzorgpremie'] },
  },
  { method: 'GET', path: '/api/staff/agenda', audience: 'staff' },
  { method: 'GET', path: '/api/staff/events', audience: 'staff', stream: true },
  {
    method: 'POST',
    path: '/api/staff/appointments',
    audience: 'staff',
    body: { serviceId: 'mantelzorgpremie', ...slotChoice, channel: 'phone', citizen: { name: 'Georgette Willems', phone: '0470 12 34 56' } },
  },
  { method: 'GET', path: '/api/staff/appointments/:appointmentId', audience: 'staff' },
  { method: 'PATCH', path: '/api/staff/appointments/:appointmentId', audience: 'staff', body: { notes: 'Belt terug.' } },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/cancel', audience: 'staff', destructive: true, body: { message: 'Ziek.' } },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/follow-up', audience: 'staff', body: { ...slotChoice, note: 'Opvolging' } },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/no-show', audience: 'staff', destructive: true },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/held', audience: 'staff', destructive: true },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/join', audience: 'staff' },
  { method: 'GET', path: '/api/staff/appointments/:appointmentId/meeting', audience: 'staff' },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/admit', audience: 'staff', body: {} },
  { method: 'POST', path: '/api/staff/appointments/:appointmentId/end', audience: 'staff', destructive: true, body: { nextSteps: 'Attest opsturen.' } },
  { method: 'GET', path: '/api/staff/appointments/:appointmentId/documents', audience: 'staff' },
  { method: 'GET', path: '/api/staff/appointments/:appointmentId/documents/:documentId/file', audience: 'staff' },
  { method: 'DELETE', path: '/api/staff/appointments/:appointmentId/documents/:documentId', audience: 'staff', destructive: true },
  { method: 'GET', path: '/api/staff/services', audience: 'staff' },
  {
    method: 'POST',
    path: '/api/staff/services',
    audience: 'staff',
    beheerder: true,
    body: { id: 'parkeerkaart', texts, durationMin: 15, bufferBeforeMin: 0, bufferAfterMin: 5, noticeMin: 60, horizonDays: 14, channels: ['counter'] },
  },
  { method: 'PATCH', path: '/api/staff/services/:serviceId', audience: 'staff', beheerder: true, body: { texts } },
  { method: 'GET', path: '/api/staff/opening-hours', audience: 'staff' },
  {
    method: 'PUT',
    path: '/api/staff/opening-hours/:staffId',
    audience: 'staff',
    beheerder: true,
    body: { hours: [{ weekday: 6, startTime: '09:00', endTime: '12:00', channel: 'video', locationId: null }] },
  },
  { method: 'GET', path: '/api/staff/closures', audience: 'staff' },
  { method: 'POST', path: '/api/staff/closures', audience: 'staff', beheerder: true, body: { staffId: null, dateFrom: '2027-12-24', dateTo: '2027-12-24', reason: 'Kerstavond' } },
  { method: 'DELETE', path: '/api/staff/closures/:closureId', audience: 'staff', beheerder: true, destructive: true },
  { method: 'GET', path: '/api/staff/dashboard', audience: 'staff' },
  { method: 'GET', path: '/api/staff/dashboard.csv', audience: 'staff' },
  { method: 'GET', path: '/api/staff/dashboard/comments', audience: 'staff', beheerder: true },
  { method: 'GET', path: '/api/staff/dashboard/comments.csv', audience: 'staff', beheerder: true },
  { method: 'GET', path: '/api/staff/access-log', audience: 'staff', beheerder: true },
  { method: 'POST', path: '/api/staff/privacy/search', audience: 'staff', beheerder: true, body: { email: 'marie@example.org' } },
  { method: 'POST', path: '/api/staff/privacy/export', audience: 'staff', beheerder: true, body: { email: 'marie@example.org' } },
  { method: 'POST', path: '/api/staff/privacy/erase', audience: 'staff', beheerder: true, destructive: true, body: { email: 'marie@example.org', confirm: true } },
  { method: 'GET', path: '/api/staff/privacy/erasures', audience: 'staff', beheerder: true },

  { method: 'GET', path: '/medewerker', audience: 'anyone' },
  { method: 'GET', path: '/medewerker/', audience: 'anyone' },
  { method: 'GET', path: '/demo/mailbox', audience: 'anyone' },
  { method: 'GET', path: '/demo/mailbox.json', audience: 'anyone' },
  /** The load balancer's health check (deploy/haproxy.cfg). */
  { method: 'GET', path: '/healthz', audience: 'anyone' },
];

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path.replace(/:\w+/g, ':')}`;

const serverSrc = fileURLToPath(new URL('../packages/server/src/', import.meta.url));
const CONSTANTS: Record<string, string> = { STAFF_PREFIX: '/api/staff' };

/**
 * `METHOD /path` of every `router.<method>(…)` in the server's source, with its router's prefix
 * (params shown as `:`). Reads source rather than the running app: Koa keeps no route list.
 */
export function declaredRoutes(): string[] {
  const found: string[] = [];
  const files = readdirSync(serverSrc, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files) {
    const source = readFileSync(join(serverSrc, file), 'utf8');
    let prefix = '';
    const pattern = /new Router\((?:\{\s*prefix:\s*(?:([`'"])(.*?)\1|(\w+))\s*\})?\)|router\.(get|post|put|patch|delete)\(\s*(\[[^\]]*\]|(['"`]).*?\6)/g;
    const constant = (name: string) => CONSTANTS[name] ?? `<${name}>`;
    for (const m of source.matchAll(pattern)) {
      if (m[0].startsWith('new Router')) {
        prefix = m[3] ? constant(m[3]) : (m[2] ?? '').replace(/\$\{(\w+)\}/g, (_, name: string) => constant(name));
        continue;
      }
      const paths = [...m[5]!.matchAll(/(['"`])(.*?)\1/g)].map((p) => p[2]!);
      for (const path of paths) found.push(routeKey({ method: m[4]!.toUpperCase(), path: `${prefix}${path === '/' && prefix ? '' : path}` }));
    }
  }
  return [...new Set(found)].sort();
}
