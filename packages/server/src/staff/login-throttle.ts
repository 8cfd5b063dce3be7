import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import type { StaffPolicy } from './policy.ts';

interface FailureRow {
  failures: number;
  firstFailedAt: string;
  lockedUntil: string | null;
}

/** E-mail addresses are hashed: a typo (or a citizen's address) typed into the sign-in form is not kept. */
const accountKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/**
 * Locks sign-in for one account from one IP after `maxLoginFailures` failures within `lockoutMs`.
 * An attempt counts as a failure *before* the password is checked and is forgiven on success, so
 * parallel guesses cannot slip in while the slow hash runs.
 */
export function loginThrottle(db: Db, policy: StaffPolicy, now: () => Date) {
  const s = {
    get: db.prepare<[string, string], FailureRow>(
      `SELECT failures, first_failed_at AS firstFailedAt, locked_until AS lockedUntil
       FROM staff_login_failures WHERE account_key = ? AND ip = ?`,
    ),
    put: db.prepare(
      `INSERT INTO staff_login_failures (account_key, ip, failures, first_failed_at, locked_until)
       VALUES (@key, @ip, @failures, @firstFailedAt, @lockedUntil)
       ON CONFLICT (account_key, ip) DO UPDATE SET failures = excluded.failures,
         first_failed_at = excluded.first_failed_at, locked_until = excluded.locked_until`,
    ),
    clear: db.prepare('DELETE FROM staff_login_failures WHERE account_key = ? AND ip = ?'),
  };

  const locked = (until: string) => {
    const minutes = Math.max(1, Math.ceil((Date.parse(until) - now().getTime()) / 60_000));
    return new HttpError(
      429,
      'too_many_attempts',
      `Too many failed sign-in attempts. This account is locked on this device for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfterSeconds: minutes * 60 },
    );
  };

  return {
    /** Throws 429 while locked; otherwise records the attempt as a failure until `succeeded`. */
    begin: db.transaction((email: string, ip: string) => {
      const key = accountKey(email);
      const at = now();
      const row = s.get.get(key, ip);
      if (row?.lockedUntil && Date.parse(row.lockedUntil) > at.getTime()) throw locked(row.lockedUntil);
      const fresh = !row || row.lockedUntil !== null || at.getTime() - Date.parse(row.firstFailedAt) > policy.lockoutMs;
      const failures = fresh ? 1 : row.failures + 1;
      s.put.run({
        key,
        ip,
        failures,
        firstFailedAt: fresh ? at.toISOString() : row.firstFailedAt,
        lockedUntil: failures >= policy.maxLoginFailures ? new Date(at.getTime() + policy.lockoutMs).toISOString() : null,
      });
    }),
    succeeded: (email: string, ip: string) => void s.clear.run(accountKey(email), ip),
    /** The error for a failed attempt: 429 once this failure caused the lock, 401 before. */
    failure(email: string, ip: string): HttpError {
      const row = s.get.get(accountKey(email), ip);
      if (row?.lockedUntil) return locked(row.lockedUntil);
      return new HttpError(401, 'invalid_credentials', 'The e-mail address or password is not correct.');
    },
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
