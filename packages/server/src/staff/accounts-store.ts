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
const columns = `id, name, email, role, active, password_hash AS passwordHash, must_change_password AS mustChangePassword,
  totp_secret IS NOT NULL AS totp, EXISTS (SELECT 1 FROM staff_oidc_subjects o WHERE o.staff_id = staff.id) AS oidc`;
const toAccount = (row: Row | undefined): AccountRow | undefined =>
  row && { ...row, active: row.active === 1, mustChangePassword: row.mustChangePassword === 1, totp: row.totp === 1, oidc: row.oidc === 1 };

/** The staff table, as the staff console needs it. */
export function accountsStore(db: Db) {
  const s = {
    byId: db.prepare<[string], Row>(`SELECT ${columns} FROM staff WHERE id = ?`),
    byEmail: db.prepare<[string], Row>(`SELECT ${columns} FROM staff WHERE lower(email) = lower(?)`),
    all: db.prepare<[], Row>(`SELECT ${columns} FROM staff ORDER BY name`),
    insert: db.prepare(
      'INSERT INTO staff (id, name, email, role, password_hash, must_change_password) VALUES (@id, @name, @email, @role, @passwordHash, @mustChangePassword)',
    ),
    setRole: db.prepare<[string, string]>('UPDATE staff SET role = ? WHERE id = ?'),
    setActive: db.prepare<[number, string]>('UPDATE staff SET active = ? WHERE id = ?'),
    setProfile: db.prepare<[string, string, string]>('UPDATE staff SET name = ?, email = ? WHERE id = ?'),
    activeBeheerders: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM staff WHERE active = 1 AND role = 'beheerder'"),
    // A password set anew (by its owner, or from a link) is one's own: the temporary one is gone.
    setHash: db.prepare<[string | null, string]>('UPDATE staff SET password_hash = ?, must_change_password = 0 WHERE id = ?'),
    setInitialHash: db.prepare('UPDATE staff SET password_hash = ? WHERE id = ? AND password_hash IS NULL'),
    offers: db.prepare('INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)'),
    services: db.prepare<[string], { serviceId: string }>('SELECT service_id AS serviceId FROM staff_services WHERE staff_id = ? ORDER BY service_id'),
  };
  return {
    get: (id: string) => toAccount(s.byId.get(id)),
    findByEmail: (email: string) => toAccount(s.byEmail.get(email)),
    list: () => s.all.all().map((row) => toAccount(row)!),
    servicesOf: (id: string) => s.services.all(id).map((r) => r.serviceId),
    /** `passwordHash` null: the account signs in only after a set-password link (admin command). */
    create: db.transaction((account: StaffAccount & { passwordHash: string | null; serviceIds: string[]; mustChangePassword?: boolean }) => {
      s.insert.run({ ...account, mustChangePassword: account.mustChangePassword ? 1 : 0 });
      for (const serviceId of account.serviceIds) s.offers.run(account.id, serviceId);
    }),
    setPasswordHash: (id: string, hash: string) => void s.setHash.run(hash, id),
    setRole: (id: string, role: StaffRole) => void s.setRole.run(role, id),
    setActive: (id: string, active: boolean) => void s.setActive.run(active ? 1 : 0, id),
    /** Name and e-mail as the OpenID provider knows them now. */
    setProfile: (id: string, name: string, email: string) => void s.setProfile.run(name, email, id),
    countActiveBeheerders: () => s.activeBeheerders.get()!.n,
    /** No password: nobody signs in with one until it is set anew (admin command link). */
    clearPasswordHash: (id: string) => void s.setHash.run(null, id),
    /** Sets this hash on those of `ids` that have no password yet. */
    setInitialPasswordHash: db.transaction((ids: string[], hash: string) => {
      for (const id of ids) s.setInitialHash.run(hash, id);
    }),
  };
}

export type AccountsStore = ReturnType<typeof accountsStore>;
export type { StaffRole };
