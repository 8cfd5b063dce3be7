import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { StaffAccount, StaffRole } from './identity.ts';

export interface AccountRow extends StaffAccount {
  active: boolean;
  passwordHash: string | null;
  /** Created by a beheerder with a temporary password: choose one's own before anything else. */
  mustChangePassword: boolean;
  /** A TOTP second factor is enrolled. */
  totp: boolean;
  /** Signs in through the OpenID provider (a subject is linked). */
  oidc: boolean;
}

type Row = Omit<AccountRow, 'active' | 'mustChangePassword' | 'totp' | 'oidc'> & { active: number; mustChangePassword: number; totp: number; oidc: number };
const toAccount = (row: Row | undefined): AccountRow | undefined =>
  row && { ...row, active: row.active === 1, mustChangePassword: row.mustChangePassword === 1, totp: row.totp === 1, oidc: row.oidc === 1 };

/** The staff table, as the staff console needs it. */
export function accountsStore(db: Db) {
  // Both flags as 0/1 integers: a comparison is a boolean on PostgreSQL, an integer on SQLite.
  const accounts = () =>
    db.q
      .selectFrom('staff')
      .select((eb) => [
        'id',
        'name',
        'email',
        'role',
        'active',
        'password_hash as passwordHash',
        'must_change_password as mustChangePassword',
        eb.case().when('totp_secret', 'is not', null).then(1).else(0).end().as('totp'),
        eb
          .case()
          .when(eb.exists(eb.selectFrom('staff_oidc_subjects as o').select('o.staff_id').whereRef('o.staff_id', '=', 'staff.id')))
          .then(1)
          .else(0)
          .end()
          .as('oidc'),
      ])
      .$castTo<Row>();
  // A password set anew (by its owner, or from a link) is one's own: the temporary one is gone.
  const setHash = async (id: string, hash: string | null) => {
    await db.q.updateTable('staff').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', id).execute();
  };
  return {
    /** Runs `work` in one transaction (joining the one it runs in, if any). */
    transaction: <T>(work: () => Promise<T>): Promise<T> => db.transaction(work),
    get: async (id: string) => toAccount(await accounts().where('id', '=', id).executeTakeFirst()),
    findByEmail: async (email: string) => toAccount(await accounts().where(sql`lower(email)`, '=', sql`lower(${email})`).executeTakeFirst()),
    list: async () => (await accounts().orderBy('name').execute()).map((row) => toAccount(row)!),
    servicesOf: async (id: string) =>
      (await db.q.selectFrom('staff_services').select('service_id').where('staff_id', '=', id).orderBy('service_id').execute()).map((r) => r.service_id),
    /** `passwordHash` null: the account signs in only after a set-password link (admin command). */
    create: (account: StaffAccount & { passwordHash: string | null; serviceIds: string[]; mustChangePassword?: boolean }): Promise<void> =>
      db.transaction(async () => {
        await db.q
          .insertInto('staff')
          .values({
            id: account.id,
            name: account.name,
            email: account.email,
            role: account.role,
            password_hash: account.passwordHash,
            must_change_password: account.mustChangePassword ? 1 : 0,
          })
          .execute();
        if (account.serviceIds.length) {
          await db.q
            .insertInto('staff_services')
            .values(account.serviceIds.map((serviceId) => ({ staff_id: account.id, service_id: serviceId })))
            .execute();
        }
      }),
    setPasswordHash: (id: string, hash: string) => setHash(id, hash),
    async setRole(id: string, role: StaffRole) {
      await db.q.updateTable('staff').set({ role }).where('id', '=', id).execute();
    },
    async setActive(id: string, active: boolean) {
      await db.q.updateTable('staff').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
    },
    /** Name and e-mail as the OpenID provider knows them now. */
    async setProfile(id: string, name: string, email: string) {
      await db.q.updateTable('staff').set({ name, email }).where('id', '=', id).execute();
    },
    /**
     * Inside a transaction, before reading who is beheerder to change it: on PostgreSQL, parallel
     * transactions that do so run one after the other until commit (two demotions of the last two
     * beheerders would otherwise each still count the other). SQLite runs one transaction at a time.
     */
    async lockBeheerders() {
      if (db.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext('staff:beheerders'))`.execute(db.q);
    },
    countActiveBeheerders: async () =>
      Number(
        (
          await db.q
            .selectFrom('staff')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('active', '=', 1)
            .where('role', '=', 'beheerder')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    /** No password: nobody signs in with one until it is set anew (admin command link). */
    clearPasswordHash: (id: string) => setHash(id, null),
    /** Sets this hash on those of `ids` that have no password yet. */
    async setInitialPasswordHash(ids: string[], hash: string) {
      if (!ids.length) return;
      await db.q.updateTable('staff').set({ password_hash: hash }).where('id', 'in', ids).where('password_hash', 'is', null).execute();
    },
  };
}

export type AccountsStore = ReturnType<typeof accountsStore>;
export type { StaffRole };
