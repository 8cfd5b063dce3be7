import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { addressKey } from '../http/rate-limit.ts';
import type { StaffPolicy } from './policy.ts';

interface FailureRow {
  failures: number;
  firstFailedAt: string;
  lockedUntil: string | null;
}

/** E-mail addresses are hashed: a typo (or a citizen's address) typed into the sign-in form is not kept. */
const accountKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/**
 * The rows of `staff_login_failures` an attempt counts in. `ANY` in one column makes a row that sums
 * over it: failures of one address across every account (guessing many accounts), and of one account
 * across every address (guessing one account from many).
 */
const ANY = '*';

/**
 * Throttles password checks (sign-in and the current password of a password change) in three ways:
 * - one account from one client address: locked for `lockoutMs` after `maxLoginFailures`; the owner
 *   on their own device (another address) is not affected, so a flood cannot lock them out;
 * - one client address across accounts: locked after `maxAddressFailures`;
 * - one account across addresses: never locked (that would hand anyone a way to lock the owner out),
 *   but each check waits longer, doubling from `slowdownBaseMs` up to `slowdownMaxMs`.
 * The address is Koa's `ctx.ip` (the socket's, or with TRUST_PROXY what our own proxies saw), an
 * IPv6 address counted by its /64. An attempt counts as a failure *before* the password is checked
 * and is forgiven on success, so parallel guesses cannot slip in while the slow hash runs.
 * On PostgreSQL the read and the write of an attempt's rows hold locks of its address and account
 * (see `serialize`), so parallel attempts count one after the other: none is lost.
 */
export function loginThrottle(db: Db, policy: StaffPolicy, now: () => Date) {
  /**
   * PostgreSQL lets parallel transactions read the same count and each write it plus one (SQLite runs
   * one transaction at a time): an attempt first takes transaction locks of its client address (rows
   * `(key, address)` and `(ANY, address)`) and of its account (row `(key, ANY)`), held until it
   * commits. Every attempt takes them in this order in one statement, so two attempts never wait on
   * each other in a circle; a hash collision only makes two unrelated attempts wait a moment.
   */
  const serialize = async (key: string, address: string) => {
    if (db.dialect !== 'postgres') return;
    await sql`SELECT pg_advisory_xact_lock(hashtext('staff-login:address'), hashtext(${address})), pg_advisory_xact_lock(hashtext('staff-login:account'), hashtext(${key}))`.execute(db.q);
  };
  /** The rows of these (account key, address) pairs, in their order; one query for all. */
  const getAll = async (pairs: [key: string, ip: string][]): Promise<(FailureRow | undefined)[]> => {
    const rows = await db.q
      .selectFrom('staff_login_failures')
      .select(['account_key as key', 'ip', 'failures', 'first_failed_at as firstFailedAt', 'locked_until as lockedUntil'])
      .where((eb) => eb.or(pairs.map(([key, ip]) => eb.and([eb('account_key', '=', key), eb('ip', '=', ip)]))))
      .execute();
    return pairs.map(([key, ip]) => {
      const row = rows.find((r) => r.key === key && r.ip === ip);
      return row && { failures: row.failures, firstFailedAt: row.firstFailedAt, lockedUntil: row.lockedUntil };
    });
  };
  type Put = { key: string; ip: string; failures: number; firstFailedAt: string; lockedUntil: string | null };
  const put = async (rows: Put[]) => {
    await db.q
      .insertInto('staff_login_failures')
      .values(rows.map((row) => ({ account_key: row.key, ip: row.ip, failures: row.failures, first_failed_at: row.firstFailedAt, locked_until: row.lockedUntil })))
      .onConflict((oc) =>
        oc.columns(['account_key', 'ip']).doUpdateSet((eb) => ({
          failures: eb.ref('excluded.failures'),
          first_failed_at: eb.ref('excluded.first_failed_at'),
          locked_until: eb.ref('excluded.locked_until'),
        })),
      )
      .execute();
  };
  const forgive = async (key: string, ip: string) => {
    await db.q
      .updateTable('staff_login_failures')
      .set((eb) => ({ failures: eb.case().when('failures', '>', 0).then(eb('failures', '-', 1)).else(0).end() }))
      .where('account_key', '=', key)
      .where('ip', '=', ip)
      .where('locked_until', 'is', null)
      .execute();
  };

  const minutesUntil = (until: string) => Math.max(1, Math.ceil((Date.parse(until) - now().getTime()) / 60_000));
  const plural = (minutes: number) => `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const accountLocked = (until: string) => {
    const minutes = minutesUntil(until);
    return new HttpError(429, 'too_many_attempts', `Too many failed sign-in attempts. This account is locked on this device for ${plural(minutes)}.`, {
      retryAfterSeconds: minutes * 60,
    });
  };
  const addressLocked = (until: string) => {
    const minutes = minutesUntil(until);
    return new HttpError(429, 'too_many_attempts', `Too many failed sign-in attempts from this network address. Try again in ${plural(minutes)}.`, {
      retryAfterSeconds: minutes * 60,
    });
  };
  const isLocked = (row: FailureRow | undefined): row is FailureRow & { lockedUntil: string } =>
    !!row?.lockedUntil && Date.parse(row.lockedUntil) > now().getTime();

  /**
   * One more failure in a row (`row`: as read now); locks it at `max` failures within the window
   * (never when `max` is 0). Answers the row to write, and the row as it was when it still counts.
   */
  const count = (key: string, ip: string, row: FailureRow | undefined, max: number): { put: Put; previous: FailureRow | undefined } => {
    const at = now();
    const fresh = !row || row.lockedUntil !== null || at.getTime() - Date.parse(row.firstFailedAt) > policy.lockoutMs;
    const failures = fresh ? 1 : row.failures + 1;
    return {
      put: {
        key,
        ip,
        failures,
        firstFailedAt: fresh ? at.toISOString() : row.firstFailedAt,
        lockedUntil: max > 0 && failures >= max ? new Date(at.getTime() + policy.lockoutMs).toISOString() : null,
      },
      previous: row && !fresh ? row : undefined,
    };
  };

  /** The wait before checking, from the account's failures (all addresses) within the window. */
  const slowdown = (previous: FailureRow | undefined) => {
    const failures = previous?.failures ?? 0;
    if (failures < policy.slowdownAfterFailures) return 0;
    return Math.min(policy.slowdownBaseMs * 2 ** (failures - policy.slowdownAfterFailures), policy.slowdownMaxMs);
  };

  return {
    /**
     * Throws 429 while the account is locked for this address or the address is locked; otherwise
     * records the attempt as a failure until `succeeded`, and answers how long to wait before checking.
     */
    begin: (email: string, ip: string): Promise<{ delayMs: number }> =>
      db.transaction(async () => {
        const key = accountKey(email);
        const address = addressKey(ip);
        await serialize(key, address);
        // One read and one write of the three rows: a flood of sign-ins costs the database little.
        const [pair, all, account] = await getAll([
          [key, address],
          [ANY, address],
          [key, ANY],
        ]);
        if (isLocked(pair)) throw accountLocked(pair.lockedUntil);
        if (isLocked(all)) throw addressLocked(all.lockedUntil);
        const counted = [count(key, address, pair, policy.maxLoginFailures), count(ANY, address, all, policy.maxAddressFailures), count(key, ANY, account, 0)];
        await put(counted.map((c) => c.put));
        return { delayMs: slowdown(counted[2]!.previous) };
      }),
    /** The password was right: this account from this address starts afresh, and this attempt is forgiven elsewhere. */
    succeeded: (email: string, ip: string): Promise<void> =>
      db.transaction(async () => {
        const key = accountKey(email);
        const address = addressKey(ip);
        // The same locks as `begin`: a forgiveness is not overwritten by a parallel attempt's count.
        await serialize(key, address);
        await db.q.deleteFrom('staff_login_failures').where('account_key', '=', key).where('ip', '=', address).execute();
        await forgive(ANY, address);
        await forgive(key, ANY);
      }),
    /** The error for a failed attempt: 429 once this failure caused a lock, 401 before. */
    async failure(email: string, ip: string): Promise<HttpError> {
      const address = addressKey(ip);
      const [pair, all] = await getAll([
        [accountKey(email), address],
        [ANY, address],
      ]);
      if (isLocked(pair)) return accountLocked(pair.lockedUntil);
      if (isLocked(all)) return addressLocked(all.lockedUntil);
      return new HttpError(401, 'invalid_credentials', 'The e-mail address or password is not correct.');
    },
    /** Forgets failures older than the window whose lock (if any) is over: they hold client addresses. */
    async purge(): Promise<number> {
      const result = await db.q
        .deleteFrom('staff_login_failures')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now().toISOString())]))
        .where('first_failed_at', '<=', new Date(now().getTime() - policy.lockoutMs).toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
