import type { Db } from '../db/database.ts';
import type { StaffAccount, StaffRole } from './identity.ts';

export interface AccountRow extends StaffAccount {
  active: boolean;
  passwordHash: string | null;
}

type Row = Omit<AccountRow, 'active'> & { active: number };
const columns = 'id, name, email, role, active, password_hash AS passwordHash';
const toAccount = (row: Row | undefined): AccountRow | undefined => row && { ...row, active: row.active === 1 };

/** The staff table, as the staff console needs it. */
export function accountsStore(db: Db) {
  const s = {
    byId: db.prepare<[string], Row>(`SELECT ${columns} FROM staff WHERE id = ?`),
    byEmail: db.prepare<[string], Row>(`SELECT ${columns} FROM staff WHERE lower(email) = lower(?)`),
    all: db.prepare<[], Row>(`SELECT ${columns} FROM staff ORDER BY name`),
    insert: db.prepare('INSERT INTO staff (id, name, email, role, password_hash) VALUES (@id, @name, @email, @role, @passwordHash)'),
    setHash: db.prepare<[string | null, string]>('UPDATE staff SET password_hash = ? WHERE id = ?'),
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
    create: db.transaction((account: StaffAccount & { passwordHash: string | null; serviceIds: string[] }) => {
      s.insert.run(account);
      for (const serviceId of account.serviceIds) s.offers.run(account.id, serviceId);
    }),
    setPasswordHash: (id: string, hash: string) => void s.setHash.run(hash, id),
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
