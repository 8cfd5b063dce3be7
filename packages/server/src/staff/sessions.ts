import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { StaffAccount } from './identity.ts';
import type { StaffPolicy } from './policy.ts';

/**
 * A step a session still waits for before it opens anything but itself: the TOTP code, a password of
 * one's own (an account a beheerder created with a temporary one), or enrolling a second factor
 * (STAFF_MFA=required). See sign-in-steps.ts.
 */
export type SignInStep = 'totp' | 'password' | 'totp-enrol';

export interface StaffSession {
  idHash: string;
  staffId: string;
  method: string;
  pending: SignInStep | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** What a valid session cookie resolves to. */
export interface ActiveSession {
  session: StaffSession;
  account: StaffAccount;
  /** When the session ends if no further request arrives. */
  idleExpiresAt: string;
  csrfToken: string;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Staff sessions in SQLite. The cookie carries a 256-bit random id; the table holds its SHA-256.
 * The CSRF token is an HMAC of the id, so it needs no storage and is useless without the cookie.
 */
export function staffSessions(db: Db, opts: { policy: StaffPolicy; now: () => Date; secret: string }) {
  const { policy, now } = opts;
  const s = {
    insert: db.prepare(
      `INSERT INTO staff_sessions (id_hash, staff_id, method, created_at, last_seen_at, expires_at, pending, id_token)
       VALUES (@idHash, @staffId, @method, @createdAt, @lastSeenAt, @expiresAt, @pending, @idToken)`,
    ),
    get: db.prepare<[string], StaffSession & StaffAccount>(
      `SELECT ss.id_hash AS idHash, ss.staff_id AS staffId, ss.method, ss.pending, ss.created_at AS createdAt,
         ss.last_seen_at AS lastSeenAt, ss.expires_at AS expiresAt, s.id, s.name, s.email, s.role
       FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id AND s.active = 1
       WHERE ss.id_hash = ?`,
    ),
    touch: db.prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?'),
    setPending: db.prepare<[string, string]>('UPDATE staff_sessions SET pending = ? WHERE id_hash = ?'),
    idToken: db.prepare<[string], { idToken: string | null }>('SELECT id_token AS idToken FROM staff_sessions WHERE id_hash = ?'),
    remove: db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?'),
    removeOthers: db.prepare('DELETE FROM staff_sessions WHERE staff_id = ? AND id_hash != ?'),
    removeAll: db.prepare('DELETE FROM staff_sessions WHERE staff_id = ?'),
    purge: db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
  };

  const csrfToken = (id: string) => createHmac('sha256', opts.secret).update(`staff-csrf:${id}`).digest('base64url');

  function resolveHash(idHash: string, touch: boolean): Omit<ActiveSession, 'csrfToken'> | undefined {
    const row = s.get.get(idHash);
    if (!row) return undefined;
    const at = now();
    const idleEnd = Date.parse(row.lastSeenAt) + policy.sessionIdleMs;
    if (at.getTime() >= Date.parse(row.expiresAt) || at.getTime() >= idleEnd) {
      s.remove.run(idHash);
      return undefined;
    }
    const lastSeenAt = touch ? at.toISOString() : row.lastSeenAt;
    if (touch) s.touch.run(lastSeenAt, idHash);
    const { id, name, email, role, ...session } = row;
    const idle = Math.min(Date.parse(lastSeenAt) + policy.sessionIdleMs, Date.parse(row.expiresAt));
    return {
      session: { ...session, lastSeenAt },
      account: { id, name, email, role },
      idleExpiresAt: new Date(idle).toISOString(),
    };
  }

  return {
    /**
     * Starts a session and returns the id for the cookie; the only time the raw id exists. A session
     * that waits for a step (`pending`) lives only `pendingStepMs`; `idToken` (OIDC) is kept for the
     * provider's sign-out.
     */
    start(account: StaffAccount, method: string, opts: { pending?: SignInStep | null; idToken?: string } = {}): { id: string } {
      const at = now();
      s.purge.run(at.toISOString(), new Date(at.getTime() - policy.sessionIdleMs).toISOString());
      const id = randomBytes(32).toString('base64url');
      s.insert.run({
        idHash: hashId(id),
        staffId: account.id,
        method,
        createdAt: at.toISOString(),
        lastSeenAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + (opts.pending ? policy.pendingStepMs : policy.sessionAbsoluteMs)).toISOString(),
        pending: opts.pending ?? null,
        idToken: opts.idToken ?? null,
      });
      return { id };
    },
    /** The session moves on to another step (the same id: it is still not signed in). */
    wait: (id: string, step: SignInStep) => void s.setPending.run(step, hashId(id)),
    /**
     * The last step is done: the half-open session ends and a full one starts under a new id, so an
     * id seen before the second factor (a shared screen, a proxy log) opens nothing afterwards.
     */
    complete(id: string, account: StaffAccount, method: string): { id: string } {
      s.remove.run(hashId(id));
      return this.start(account, method);
    },
    /** The OIDC id_token of a session, for `id_token_hint` at the provider's sign-out. */
    idToken: (id: string) => s.idToken.get(hashId(id))?.idToken ?? undefined,
    /** The session behind a cookie value; a request (`touch`) pushes the idle end further. */
    resolve(id: string, { touch }: { touch: boolean }): ActiveSession | undefined {
      if (id.length > 100) return undefined;
      const active = resolveHash(hashId(id), touch);
      return active && { ...active, csrfToken: csrfToken(id) };
    },
    /** Still valid, without counting as activity: for long-lived event streams. */
    isActive: (idHash: string) => resolveHash(idHash, false) !== undefined,
    end: (id: string) => void s.remove.run(hashId(id)),
    /** Signs the account out everywhere else, e.g. after a password change. */
    endOthers: (staffId: string, keepId: string) => void s.removeOthers.run(staffId, hashId(keepId)),
    /** Signs an account out everywhere (its password was revoked or set anew). */
    endAll: (staffId: string) => void s.removeAll.run(staffId),
    csrfMatches(id: string, presented: string | undefined): boolean {
      if (!presented) return false;
      const expected = Buffer.from(csrfToken(id));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type StaffSessions = ReturnType<typeof staffSessions>;
