import type { Context } from 'koa';

/**
 * Over HTTPS the cookie gets the `__Host-` prefix, which browsers only accept with `Secure`,
 * `Path=/` and no `Domain`: no sibling subdomain can plant or overwrite it.
 */
export function sessionCookie(opts: { https: boolean }) {
  const name = opts.https ? '__Host-balie-staff' : 'balie-staff';
  const options = { httpOnly: true, secure: opts.https, sameSite: 'strict' as const, path: '/', overwrite: true };

  // Behind a TLS-terminating proxy Koa sees plain HTTP (proxy: false) and would refuse a Secure cookie.
  const cookies = (ctx: Context) => {
    if (opts.https) ctx.cookies.secure = true;
    return ctx.cookies;
  };

  return {
    name,
    read: (ctx: Context) => ctx.cookies.get(name) || undefined,
    write: (ctx: Context, id: string) => void cookies(ctx).set(name, id, options),
    clear: (ctx: Context) => void cookies(ctx).set(name, '', { ...options, maxAge: 0, expires: new Date(0) }),
  };
}

export type SessionCookie = ReturnType<typeof sessionCookie>;
