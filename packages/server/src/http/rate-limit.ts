import ipaddr from 'ipaddr.js';
import { createHash } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { hashToken } from '../booking/tokens.ts';
import type { RateLimits } from '../config.ts';
import { HttpError } from './errors.ts';

/**
 * A budget of requests per key and window. rate-limiter-flexible does the counting: in memory for
 * the one process on SQLite, in PostgreSQL's `rate_limits` table (migration 21) for several
 * instances, which then share one budget. The routes only see this interface.
 */
export interface RateLimit {
  /** Counts one request for `key`; resolves with the seconds to wait when that one was over the budget. */
  take(key: string): Promise<number | undefined>;
}

const unlimited: RateLimit = { take: async () => undefined };

export function memoryRateLimit(points: number, windowSeconds: number): RateLimit {
  if (points <= 0) return unlimited;
  return limitWith(new RateLimiterMemory({ points, duration: windowSeconds }));
}

/** Where several instances count together: PostgreSQL's rate_limits table (keys prefixed by kind). */
export function postgresRateLimit(pool: pg.Pool, name: string, points: number, windowSeconds: number): RateLimit {
  if (points <= 0) return unlimited;
  // The table is made by migration 21; expired rows are purged by `purgeExpiredRateLimits`.
  return limitWith(new RateLimiterPostgres({ storeClient: pool, tableName: 'rate_limits', tableCreated: true, keyPrefix: name, points, duration: windowSeconds }));
}

/**
 * Deletes counts whose window has passed: their keys are client addresses and hashed links, personal
 * data not to be kept past their use.
 */
export async function purgeExpiredRateLimits(pool: pg.Pool, now = Date.now()) {
  await pool.query('DELETE FROM rate_limits WHERE expire < $1', [now]);
}

/**
 * Counts under a hash of the key: a key holds a client address, and a forged or odd one may be long;
 * stored hashed, every key has one short length and no address sits in the table as it is.
 */
function limitWith(limiter: RateLimiterAbstract): RateLimit {
  return {
    async take(key) {
      try {
        await limiter.consume(createHash('sha256').update(key).digest('base64url'));
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
export function publicRateLimits(config: RateLimits, pool?: pg.Pool) {
  const limit = (name: string, points: number) =>
    pool ? postgresRateLimit(pool, name, points, config.windowSeconds) : memoryRateLimit(points, config.windowSeconds);
  const uploads = rateLimited('uploads', { perAddress: limit('uploads-address', config.uploadsPerAddress), perLink: limit('uploads-link', config.uploadsPerLink) });
  return {
    /** POST /api/appointments: anonymous, so per address only. */
    booking: rateLimited('booking', { perAddress: limit('booking-address', config.bookingsPerAddress) }),
    /** Reschedules and companion changes: each mails the citizen and companions. Cancelling is never limited. */
    changes: rateLimited('changes', { perAddress: limit('changes-address', config.changesPerAddress), perLink: limit('changes-link', config.changesPerLink) }),
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
