import type { Context } from 'koa';
import { HttpError } from '../http/errors.ts';

export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const changesState = (ctx: Context) => !SAFE_METHODS.has(ctx.method);

/**
 * The origins the console may write from: PUBLIC_URL's, never one taken from the request's `Host`
 * header (a DNS-rebinding page or a forged Host would match itself). A local demo on a loopback
 * PUBLIC_URL (the default `http://localhost:8080`) is also reached as 127.0.0.1 or [::1] on the same
 * port; a page elsewhere can never send those origins.
 */
export function consoleOrigins(publicUrl: string): Set<string> {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK.has(url.hostname)) {
    for (const host of LOOPBACK) origins.add(`${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`);
  }
  return origins;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const originOf = (referer: string) => {
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
};

/**
 * Refuses a state-changing request another site's page started. Browsers send `Origin` on every
 * POST (and `Sec-Fetch-Site` in all current versions); either one is enough to tell. Without
 * `Origin`, a `Referer` must point at the console too. The session cookie is `SameSite=Strict` as
 * well, so this is the second of three locks.
 */
export function assertSameOrigin(ctx: Context, allowed: ReadonlySet<string>) {
  const origin = ctx.get('origin') || (ctx.get('referer') && originOf(ctx.get('referer')));
  const fromElsewhere = (origin !== '' && !allowed.has(origin)) || ctx.get('sec-fetch-site') === 'cross-site';
  if (fromElsewhere) throw new HttpError(403, 'cross_origin', 'This request came from another site and was refused.');
}

/** The per-session token from GET /api/staff/session must come back in the `X-CSRF-Token` header. */
export function assertCsrfToken(ctx: Context, matches: (presented: string | undefined) => boolean) {
  if (!matches(ctx.get(CSRF_HEADER) || undefined)) {
    throw new HttpError(403, 'csrf_failed', `This request needs the ${CSRF_HEADER} header from GET /api/staff/session. Reload the page and try again.`);
  }
}
