import type { Context, Next } from 'koa';

/** Headers every response carries; pages of our own get a strict CSP. */
export function securityHeaders(opts: { https: boolean }) {
  return async function securityHeaders(ctx: Context, next: Next) {
    // Set before the rest runs: /signal (PeerJS) and /files (tus) write their own answers before
    // control comes back here, and a header set after that is silently dropped.
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (opts.https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
    // What `ctx.response.is('html')` answers, without parsing the media type of every JSON answer.
    if (ctx.response.type.trim().toLowerCase() === 'text/html') {
      ctx.set(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
      );
    }
  };
}
