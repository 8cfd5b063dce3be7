import type { Context, Next } from 'koa';
import { HttpError } from '../http/errors.ts';
import { assertCsrfToken, assertSameOrigin, changesState } from './csrf.ts';
import type { StaffAccount } from './identity.ts';
import type { SessionCookie } from './session-cookie.ts';
import type { ActiveSession, StaffSessions } from './sessions.ts';

export const STAFF_PREFIX = '/api/staff';
/** Routes that work without a session: signing in is how one gets it. */
const OPEN_PATHS = new Set([`${STAFF_PREFIX}/login`]);
/** A live stream is not activity: an open console tab must not keep a session alive for ever. */
const PASSIVE_PATHS = new Set([`${STAFF_PREFIX}/events`]);

export interface StaffState {
  staff: ActiveSession & { id: string };
}

const isStaffPath = (path: string) => path === STAFF_PREFIX || path.startsWith(`${STAFF_PREFIX}/`);

/**
 * Guards every /api/staff route in one place: no caching, same-origin writes, a valid session
 * cookie (a citizen's Bearer token opens nothing here) and the CSRF token on every write.
 */
export function staffGate(deps: { sessions: StaffSessions; cookie: SessionCookie; publicOrigin: string }) {
  return async function staffGate(ctx: Context, next: Next) {
    if (!isStaffPath(ctx.path)) return next();
    ctx.set('Cache-Control', 'no-store');
    if (changesState(ctx)) assertSameOrigin(ctx, deps.publicOrigin);
    if (OPEN_PATHS.has(ctx.path)) return next();

    const id = deps.cookie.read(ctx);
    const active = id ? deps.sessions.resolve(id, { touch: !PASSIVE_PATHS.has(ctx.path) }) : undefined;
    if (!id || !active) {
      if (id) deps.cookie.clear(ctx);
      throw new HttpError(401, 'not_signed_in', 'Please sign in to the staff console.');
    }
    if (changesState(ctx)) assertCsrfToken(ctx, (presented) => deps.sessions.csrfMatches(id, presented));
    (ctx.state as StaffState).staff = { ...active, id };
    await next();
  };
}

/** The signed-in staff member; only valid behind the gate. */
export function currentStaff(ctx: Context): StaffAccount {
  return currentSession(ctx).account;
}

export function currentSession(ctx: Context): StaffState['staff'] {
  const staff = (ctx.state as Partial<StaffState>).staff;
  if (!staff) throw new HttpError(401, 'not_signed_in', 'Please sign in to the staff console.');
  return staff;
}
