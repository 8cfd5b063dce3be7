import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiRoutes, type RouteSpec } from '../../../../test-support/api-routes.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';

/**
 * Every route × every kind of caller, against the running server. A refused caller must get the
 * refusal that names why (401 no or unknown credential, 403 wrong role, 404 someone else's thing,
 * 410 cancelled appointment); an allowed caller must get past access control (no 401/403/404/410,
 * no 5xx; what comes after, such as a 409 for a meeting that has not opened, is the business rule's).
 */
const credentials = ['none', 'citizen', 'companion', 'other', 'cancelled', 'expired', 'medewerker', 'beheerder'] as const;
type Credential = (typeof credentials)[number];
const REFUSALS = [401, 403, 404, 410];

/** Booking happens early that Monday; every request of the matrix at 07:55, when the 08:00 call is open. */
const EARLY = '2027-03-01T06:00:00Z';
const NOW = '2027-03-01T07:55:00Z';
/** Staff sessions end after 2 hours without a request (policy.ts). */
const IDLE_EXPIRED = '2027-03-01T05:54:00Z';
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), randomBytes(512)]);

/** The status a refused caller gets, or undefined when the caller is allowed. */
function refusal(route: RouteSpec, who: Credential): number | undefined {
  if (route.audience === 'anyone' || route.audience === 'sign-in') return undefined;
  // Nobody in the matrix holds a set-password link: a session or a citizen's token opens nothing there.
  if (route.audience === 'password-link') return 410;
  if (route.audience === 'link') {
    if (who === 'none' || who === 'expired' || who === 'medewerker' || who === 'beheerder') return 401;
    if (who === 'cancelled') return 410;
    if (who === 'companion' && route.citizenOnly) return 403;
    // The companion did not send the citizen's document; only who sent one may delete it.
    if (who === 'companion' && route.method === 'DELETE' && route.path.includes('/documents/')) return 403;
    // Another appointment's link used on this appointment's companion or document: not found.
    if (who === 'other' && /:(companionId|documentId)/.test(route.path)) return 404;
    return undefined;
  }
  if (who === 'medewerker') return route.beheerder ? 403 : undefined;
  return who === 'beheerder' ? undefined : 401;
}

interface Fixture {
  /** The appointment under test, with a companion; `other` is a second citizen's appointment. */
  a: { id: string; token: string; companionToken: string; companionId: string; documentId?: string };
  other: { id: string; token: string };
}

describe('reliability: access-control matrix over every route', () => {
  let server: TestServer;
  let medewerker: StaffClient;
  let beheerder: StaffClient;
  let expired: StaffClient;
  let cancelledToken: string;
  let joinable: Fixture['a'];
  const slots: Record<string, unknown>[] = [];
  const seenMails = new Set<string>();

  /** Books the next free slot (early in the morning, as citizens do) and returns to NOW. */
  async function bookNext(overrides: Record<string, unknown> = {}) {
    server.clock.set(EARLY);
    try {
      while (slots.length) {
        const slot = slots.shift()!;
        const response = await api(server.url, '/api/appointments', { body: bookingBody(slot as never, { ...slot, ...overrides }) });
        if (response.status === 201) return { id: response.body.appointment.id as string, token: response.body.token as string };
        assert.equal(response.status, 409, JSON.stringify(response.body));
      }
      throw new Error('no free slots left for the matrix');
    } finally {
      server.clock.set(NOW);
    }
  }

  async function appointmentWithCompanion(withDocument = false): Promise<Fixture['a']> {
    const email = `helper-${randomBytes(4).toString('hex')}@example.org`;
    const booked = await bookNext({ companion: { name: 'Jan Claes', email, role: 'carer' } });
    const invite = (await sentMails(server)).find((m) => m.to === email && !seenMails.has(m.file));
    assert.ok(invite, 'the companion got an invitation');
    seenMails.add(invite.file);
    const companionId = (await api(server.url, '/api/appointment', { token: booked.token })).body.companions[0].id;
    const a = { ...booked, companionToken: linkToken(invite.text), companionId };
    if (!withDocument) return a;
    const sent = await tusClient(server.url, { token: a.token }).upload(pdf(), { filename: 'attest.pdf' });
    assert.equal(sent.status, 204, JSON.stringify(sent.body));
    const listed = await api(server.url, '/api/appointment/documents', { token: a.token });
    return { ...a, documentId: listed.body.documents[0].id };
  }

  before(async () => {
    server = await startTestServer({ clock: testClock(IDLE_EXPIRED) });
    expired = await signIn(server, staffEmail.chloe);
    server.clock.set(EARLY);
    for (const serviceId of ['mantelzorgpremie', 'reistoelating']) {
      const listing = await api(server.url, `/api/services/${serviceId}/slots?days=28`);
      const intake = serviceId === 'mantelzorgpremie' ? { zorgvrager: 'Mijn vader' } : { bestemming: 'Frankrijk' };
      // A phone slot needs a number that bookingBody does not give; the video ones are the same times.
      for (const s of listing.body.slots.filter((s: { channel: string }) => s.channel !== 'phone')) slots.push({ serviceId, start: s.start, channel: s.channel, locationId: s.locationId, intake });
    }
    // The first slot (08:00) is the meeting that is open at NOW.
    joinable = await appointmentWithCompanion();
    const cancelled = await bookNext();
    assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: cancelled.token })).status, 200);
    cancelledToken = cancelled.token;
    server.clock.set(NOW);
    medewerker = await signIn(server, staffEmail.bart);
    beheerder = await signIn(server, staffEmail.an);
  });
  after(() => server.cleanup());

  /** Sends one request of the matrix; an event stream is read up to its status, then closed. */
  async function call(route: RouteSpec, who: Credential, f: Fixture, staff: { medewerker: StaffClient; beheerder: StaffClient }, closureId: number) {
    const params: Record<string, string> = {
      serviceId: route.method === 'PATCH' ? 'reistoelating' : 'mantelzorgpremie',
      appointmentId: f.a.id,
      companionId: f.a.companionId,
      documentId: f.a.documentId ?? 'none',
      staffId: 'bart',
      closureId: String(closureId),
    };
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name]!);
    const session = who === 'medewerker' ? staff.medewerker : who === 'beheerder' ? staff.beheerder : who === 'expired' ? expired : undefined;
    const token = { citizen: f.a.token, companion: f.a.companionToken, other: f.other.token, cancelled: cancelledToken }[who as string];
    const headers: Record<string, string> = {
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    if (route.stream) {
      const abort = new AbortController();
      const response = await fetch(`${server.url}${path}`, { headers, signal: abort.signal });
      abort.abort();
      return { status: response.status, body: undefined };
    }
    let body = route.body;
    if (route.path.endsWith('/appointments') || route.path === '/api/appointment/reschedule' || route.path.endsWith('/follow-up')) {
      // A free slot each time, so an allowed booking or move succeeds.
      const slot = slots.shift()!;
      const choice = { start: slot.start, channel: slot.channel, locationId: slot.locationId };
      body =
        route.path === '/api/appointments'
          ? bookingBody(slot as never, { ...slot })
          : route.path === '/api/staff/appointments'
            ? { serviceId: slot.serviceId, ...choice, citizen: { name: 'Georgette Willems', email: 'georgette@example.org' } }
            : choice;
    }
    return api(server.url, path, { method: route.method, body, headers });
  }

  it('then only the allowed callers get through, and each refused one is told why', async () => {
    const rows: string[] = [];
    let wrong = 0;
    // Signing out and in end the sessions they are sent with: those rows come last, with their own.
    const ordered = apiRoutes.filter((route) => !route.needsOidc).sort((x, y) => Number(x.audience === 'sign-in' || x.path.endsWith('/logout')) - Number(y.audience === 'sign-in' || y.path.endsWith('/logout')));
    for (const route of ordered) {
      const meeting = route.path.startsWith('/api/meeting/') || /\/(join|meeting|admit)$/.test(route.path);
      const fixture: Fixture = {
        a: meeting ? joinable : await appointmentWithCompanion(route.path.includes('/documents/')),
        other: await bookNext({ citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } }),
      };
      const closureId = route.path.includes(':closureId')
        ? (await beheerder.request('/api/staff/closures', { body: { staffId: null, dateFrom: '2027-12-24', dateTo: '2027-12-24', reason: 'Kerstavond' } })).body.id
        : 0;
      const staff = route.path.endsWith('/logout') ? { medewerker: await signIn(server, staffEmail.bart), beheerder: await signIn(server, staffEmail.an) } : { medewerker, beheerder };
      const cells: Partial<Record<Credential, string>> = {};
      // Refused callers first: an allowed one may change what the others would see (a cancel, a removal).
      for (const who of [...credentials].sort((x, y) => Number(refusal(route, x) === undefined) - Number(refusal(route, y) === undefined))) {
        const expected = refusal(route, who);
        // A staff change that can happen once (cancel, outcome, end, delete) gets its own appointment per allowed caller.
        const own = route.destructive && route.audience === 'staff' && expected === undefined && who !== 'beheerder' ? { ...fixture, a: await appointmentWithCompanion(route.path.includes('/documents/')) } : fixture;
        const { status, body } = await call(route, who, own, staff, closureId);
        const leaks = who === 'other' && body !== undefined && JSON.stringify(body).includes(own.a.id);
        const right = expected === undefined ? !REFUSALS.includes(status) && status < 500 && !leaks : status === expected;
        if (!right) wrong++;
        cells[who] = `${status}${right ? ' ' : `✗${expected ?? (leaks ? 'leak' : 'ok')}`}`.padEnd(9);
      }
      rows.push(`${`${route.method} ${route.path}`.padEnd(68)}${credentials.map((who) => cells[who]).join('')}`);
    }
    const header = `${'route'.padEnd(68)}${credentials.map((c) => c.slice(0, 8).padEnd(9)).join('')}`;
    assert.equal(wrong, 0, `${wrong} cells wrong (✗ then what was expected: a refusal status or ok):\n${header}\n${rows.join('\n')}`);
  });
});
