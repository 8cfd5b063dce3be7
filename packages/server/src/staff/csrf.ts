import type { Context } from 'koa';
import { HttpError } from '../http/errors.ts';

export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const changesState = (ctx: Context) => !SAFE_METHODS.has(ctx.method);

/**
 * Refuses a state-changing request another site's page started. Browsers send `Origin` on every
 * cross-origin POST (and `Sec-Fetch-Site` in all current versions); either one is enough to tell.
 * The session cookie is `SameSite=Strict` as well, so this is the second of three locks.
 */
export function assertSameOrigin(ctx: Context, publicOrigin: string) {
  const origin = ctx.get('origin');
  const ownOrigin = `${ctx.protocol}://${ctx.host}`;
  const fromElsewhere =
    (origin !== '' && origin !== publicOrigin && origin !== ownOrigin) || ctx.get('sec-fetch-site') === 'cross-site';
  if (fromElsewhere) throw new HttpError(403, 'cross_origin', 'This request came from another site and was refused.');
}

/** The per-session token from GET /api/staff/session must come back in the `X-CSRF-Token` header. */
export function assertCsrfToken(ctx: Context, matches: (presented: string | undefined) => boolean) {
  if (!matches(ctx.get(CSRF_HEADER) || undefined)) {
    throw new HttpError(403, 'csrf_failed', `This request needs the ${CSRF_HEADER} header from GET /api/staff/session. Reload the page and try again.`);
  }
}
