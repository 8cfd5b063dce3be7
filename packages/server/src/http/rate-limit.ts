import ipaddr from 'ipaddr.js';
import type { Context, Middleware, Next } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { hashToken } from '../booking/tokens.ts';
import type { RateLimits } from '../config.ts';
import { HttpError } from './errors.ts';

/**
 * A budget of requests per key and window. rate-limiter-flexible does the counting; its memory store
 * serves one process. Several instances on PostgreSQL share one budget by swapping in its
 * `RateLimiterPostgres` here: the routes only see this interface.
 */
export interface RateLimit {
  /** Counts one request for `key`; resolves with the seconds to wait when that one was over the budget. */
  take(key: string): Promise<number | undefined>;
}

const unlimited: RateLimit = { take: async () => undefined };

export function memoryRateLimit(points: number, windowSeconds: number): RateLimit {
  if (points <= 0) return unlimited;
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return undefined;
      } catch (refused) {
        if (!(refused instanceof RateLimiterRes)) throw refused;
        return refused.msBeforeNext / 1000;
      }
    },
  };
}

/**
 * The key of a client address: an IPv4 address as it is (IPv4-mapped IPv6 too), an IPv6 address by
 * its /64, the smallest block a provider hands one customer (RFC 6177), or one client could count as
 * 2^64 clients.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

/** The personal link of `Authorization: Bearer …`, hashed as the database keeps it: no token is held here. */
function linkKey(ctx: Context): string | undefined {
  const token = /^Bearer (\S{1,100})$/.exec(ctx.get('authorization'))?.[1];
  return token && hashToken(token);
}

const throttled = (retryAfterSeconds: number) =>
  new HttpError(429, 'rate_limited', 'Too many requests from this address or link. Please wait a moment and try again.', {
    retryAfterSeconds: Math.ceil(retryAfterSeconds),
  });

/**
 * A middleware that takes one request from the client address's budget and, when the request carries
 * a personal link, from that link's, and answers 429 with Retry-After when either is spent. The
 * address is Koa's `ctx.ip`: the socket's, or with TRUST_PROXY what our own proxies saw.
 */
export function rateLimited(name: string, limits: { perAddress: RateLimit; perLink?: RateLimit }): Middleware {
  return async function rateLimit(ctx: Context, next: Next) {
    const wait = await limits.perAddress.take(`${name}|${addressKey(ctx.ip)}`);
    if (wait !== undefined) throw throttled(wait);
    const link = limits.perLink && linkKey(ctx);
    if (link) {
      const linkWait = await limits.perLink!.take(`${name}|${link}`);
      if (linkWait !== undefined) throw throttled(linkWait);
    }
    await next();
  };
}

/** The public routes' limits from the configuration: one middleware per kind of request. */
export function publicRateLimits(config: RateLimits) {
  const limit = (points: number) => memoryRateLimit(points, config.windowSeconds);
  const uploads = rateLimited('uploads', { perAddress: limit(config.uploadsPerAddress), perLink: limit(config.uploadsPerLink) });
  return {
    /** POST /api/appointments: anonymous, so per address only. */
    booking: rateLimited('booking', { perAddress: limit(config.bookingsPerAddress) }),
    /** Reschedules and companion changes: each mails the citizen and companions. Cancelling is never limited. */
    changes: rateLimited('changes', { perAddress: limit(config.changesPerAddress), perLink: limit(config.changesPerLink) }),
    /**
     * New uploads, counted on the tus creation request (POST under /files) before tus sees it; the
     * PATCHes that carry the bytes are not counted. Staff upload with their session cookie and no
     * link: not counted either (they signed in).
     */
    uploads: async function uploadRateLimit(ctx: Context, next: Next) {
      const creation = ctx.method === 'POST' && (ctx.path === '/files' || ctx.path.startsWith('/files/'));
      return creation && linkKey(ctx) ? uploads(ctx, next) : next();
    } satisfies Middleware,
  };
}

export type PublicRateLimits = ReturnType<typeof publicRateLimits>;
