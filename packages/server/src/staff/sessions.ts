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
 * Staff sessions in the database. The cookie carries a 256-bit random id; the table holds its SHA-256.
 * The CSRF token is an HMAC of the id, so it needs no storage and is useless without the cookie.
 */
export function staffSessions(db: Db, opts: { policy: StaffPolicy; now: () => Date; secret: string }) {
  const { policy, now } = opts;
  const remove = async (idHash: string) => {
    await db.q.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
  };

  const csrfToken = (id: string) => createHmac('sha256', opts.secret).update(`staff-csrf:${id}`).digest('base64url');

  async function resolveHash(idHash: string, touch: boolean): Promise<Omit<ActiveSession, 'csrfToken'> | undefined> {
    const row = await db.q
      .selectFrom('staff_sessions as ss')
      .innerJoin('staff as s', (join) => join.onRef('s.id', '=', 'ss.staff_id').on('s.active', '=', 1))
      .select([
        'ss.id_hash as idHash',
        'ss.staff_id as staffId',
        'ss.method',
        'ss.pending',
        'ss.created_at as createdAt',
        'ss.last_seen_at as lastSeenAt',
        'ss.expires_at as expiresAt',
        's.id',
        's.name',
        's.email',
        's.role',
      ])
      .where('ss.id_hash', '=', idHash)
      .$castTo<StaffSession & StaffAccount>()
      .executeTakeFirst();
    if (!row) return undefined;
    const at = now();
    const idleEnd = Date.parse(row.lastSeenAt) + policy.sessionIdleMs;
    if (at.getTime() >= Date.parse(row.expiresAt) || at.getTime() >= idleEnd) {
      await remove(idHash);
      return undefined;
    }
    const lastSeenAt = touch ? at.toISOString() : row.lastSeenAt;
    if (touch) await db.q.updateTable('staff_sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
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
    async start(account: StaffAccount, method: string, opts: { pending?: SignInStep | null; idToken?: string } = {}): Promise<{ id: string }> {
      const at = now();
      await db.q
        .deleteFrom('staff_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', at.toISOString()), eb('last_seen_at', '<=', new Date(at.getTime() - policy.sessionIdleMs).toISOString())]))
        .execute();
      const id = randomBytes(32).toString('base64url');
      await db.q
        .insertInto('staff_sessions')
        .values({
          id_hash: hashId(id),
          staff_id: account.id,
          method,
          created_at: at.toISOString(),
          last_seen_at: at.toISOString(),
          expires_at: new Date(at.getTime() + (opts.pending ? policy.pendingStepMs : policy.sessionAbsoluteMs)).toISOString(),
          pending: opts.pending ?? null,
          id_token: opts.idToken ?? null,
        })
        .execute();
      return { id };
    },
    /** The session moves on to another step (the same id: it is still not signed in). */
    async wait(id: string, step: SignInStep) {
      await db.q.updateTable('staff_sessions').set({ pending: step }).where('id_hash', '=', hashId(id)).execute();
    },
    /**
     * The last step is done: the half-open session ends and a full one starts under a new id, so an
     * id seen before the second factor (a shared screen, a proxy log) opens nothing afterwards.
     */
    async complete(id: string, account: StaffAccount, method: string): Promise<{ id: string }> {
      await remove(hashId(id));
      return this.start(account, method);
    },
    /** The OIDC id_token of a session, for `id_token_hint` at the provider's sign-out. */
    idToken: async (id: string) =>
      (await db.q.selectFrom('staff_sessions').select('id_token').where('id_hash', '=', hashId(id)).executeTakeFirst())?.id_token ?? undefined,
    /** The session behind a cookie value; a request (`touch`) pushes the idle end further. */
    async resolve(id: string, { touch }: { touch: boolean }): Promise<ActiveSession | undefined> {
      if (id.length > 100) return undefined;
      const active = await resolveHash(hashId(id), touch);
      return active && { ...active, csrfToken: csrfToken(id) };
    },
    /** Still valid, without counting as activity: for long-lived event streams. */
    isActive: async (idHash: string) => (await resolveHash(idHash, false)) !== undefined,
    end: (id: string) => remove(hashId(id)),
    /** Signs the account out everywhere else, e.g. after a password change. */
    async endOthers(staffId: string, keepId: string) {
      await db.q.deleteFrom('staff_sessions').where('staff_id', '=', staffId).where('id_hash', '!=', hashId(keepId)).execute();
    },
    /** Signs an account out everywhere (its password was revoked or set anew). */
    async endAll(staffId: string) {
      await db.q.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute();
    },
    csrfMatches(id: string, presented: string | undefined): boolean {
      if (!presented) return false;
      const expected = Buffer.from(csrfToken(id));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export type StaffSessions = ReturnType<typeof staffSessions>;
