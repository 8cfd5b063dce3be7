import type { Context, Next } from 'koa';
import { HttpError } from '../http/errors.ts';
import { assertCsrfToken, assertSameOrigin, changesState } from './csrf.ts';
import type { StaffAccount } from './identity.ts';
import type { SessionCookie } from './session-cookie.ts';
import type { ActiveSession, SignInStep, StaffSessions } from './sessions.ts';

export const STAFF_PREFIX = '/api/staff';
/** Routes that work without a session: signing in is how one gets it; a set-password link is its own proof. */
const OPEN_PATHS = new Set([
  `${STAFF_PREFIX}/login`,
  `${STAFF_PREFIX}/password-link`,
  `${STAFF_PREFIX}/sign-in-options`,
  // The provider's redirects: the browser arrives without a session, the flow's own checks guard them.
  `${STAFF_PREFIX}/oidc/start`,
  `${STAFF_PREFIX}/oidc/callback`,
]);
/**
 * What a session that still waits for a step may reach: itself, signing out, and that step's routes.
 * Everything else answers 403 `sign_in_incomplete`, so a password alone opens no dossier.
 */
const STEP_PATHS: Record<SignInStep, ReadonlySet<string>> = {
  totp: new Set([`${STAFF_PREFIX}/login/totp`]),
  password: new Set([`${STAFF_PREFIX}/password`]),
  'totp-enrol': new Set([`${STAFF_PREFIX}/mfa/totp/setup`, `${STAFF_PREFIX}/mfa/totp/confirm`]),
};
const ALWAYS_PATHS = new Set([`${STAFF_PREFIX}/session`, `${STAFF_PREFIX}/logout`]);
/** A live stream is not activity: an open console tab must not keep a session alive for ever. */
const PASSIVE_PATHS = new Set([`${STAFF_PREFIX}/events`]);

export interface StaffState {
  staff: ActiveSession & { id: string };
}

const isStaffPath = (path: string) => path === STAFF_PREFIX || path.startsWith(`${STAFF_PREFIX}/`);

/** `origins`: where writes may come from (`consoleOrigins` of PUBLIC_URL). */
type GateDeps = { sessions: StaffSessions; cookie: SessionCookie; origins: ReadonlySet<string> };

/**
 * The checks every staff request passes, also outside /api/staff (the upload endpoint under /files):
 * same-origin writes, a valid session cookie (a citizen's Bearer token opens nothing here) and the
 * CSRF token on every write. Undefined when the request carries no session cookie at all.
 */
export function staffAuthenticator(deps: GateDeps) {
  return async function authenticateStaff(ctx: Context, opts: { touch: boolean; allowPending?: boolean } = { touch: true }): Promise<StaffState['staff'] | undefined> {
    if (changesState(ctx)) assertSameOrigin(ctx, deps.origins);
    const id = deps.cookie.read(ctx);
    if (!id) return undefined;
    const active = await deps.sessions.resolve(id, opts);
    if (!active) {
      deps.cookie.clear(ctx);
      throw new HttpError(401, 'not_signed_in', 'Please sign in to the staff console.');
    }
    if (changesState(ctx)) assertCsrfToken(ctx, (presented) => deps.sessions.csrfMatches(id, presented));
    // Outside /api/staff (uploads) only a session that finished signing in counts.
    if (active.session.pending && !opts.allowPending) throw new HttpError(403, 'sign_in_incomplete', 'Finish signing in first.', { next: active.session.pending });
    return { ...active, id };
  };
}

/** Guards every /api/staff route in one place: no caching, then the checks above. */
export function staffGate(deps: GateDeps) {
  const authenticate = staffAuthenticator(deps);
  return async function staffGate(ctx: Context, next: Next) {
    if (!isStaffPath(ctx.path)) return next();
    ctx.set('Cache-Control', 'no-store');
    if (OPEN_PATHS.has(ctx.path)) {
      if (changesState(ctx)) assertSameOrigin(ctx, deps.origins);
      return next();
    }
    const staff = await authenticate(ctx, { touch: !PASSIVE_PATHS.has(ctx.path), allowPending: true });
    if (!staff) throw new HttpError(401, 'not_signed_in', 'Please sign in to the staff console.');
    const step = staff.session.pending;
    if (step && !ALWAYS_PATHS.has(ctx.path) && !STEP_PATHS[step].has(ctx.path)) {
      throw new HttpError(403, 'sign_in_incomplete', 'Finish signing in first.', { next: step });
    }
    (ctx.state as StaffState).staff = staff;
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
