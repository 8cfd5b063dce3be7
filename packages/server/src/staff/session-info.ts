import type { SessionInfo } from '@digitale-balie/contract';
import { CSRF_HEADER } from './csrf.ts';
import type { ActiveSession } from './sessions.ts';

/** What /session, /login and each finished sign-in step answer. */
export const sessionInfo = (active: ActiveSession): SessionInfo => ({
  staff: active.account,
  method: active.session.method,
  pending: active.session.pending,
  csrfToken: active.csrfToken,
  csrfHeader: CSRF_HEADER,
  expiresAt: active.session.expiresAt,
  idleExpiresAt: active.idleExpiresAt,
});
