import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header receivers verify; the scheme follows Stripe's: `t=<unix seconds>,v1=<hex HMAC>`. */
export const SIGNATURE_HEADER = 'X-Balie-Signature';

/** HMAC-SHA256 over `<timestamp>.<body>`: the timestamp is signed too, so an old delivery cannot be replayed as new. */
export const signatureOf = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const signatureHeader = (secret: string, timestamp: number, body: string) =>
  `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;

/**
 * What a receiver does (README, "Webhooks"): recompute the HMAC over the raw body, compare in constant
 * time, and refuse a timestamp further than `toleranceSeconds` from its own clock.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const parts = new Map((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  return (
    Number.isInteger(timestamp) &&
    Math.abs(now - timestamp) <= (opts.toleranceSeconds ?? 300) &&
    given.length === expected.length &&
    timingSafeEqual(given, expected)
  );
}
