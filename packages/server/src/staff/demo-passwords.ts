import { hashSync } from '@node-rs/argon2';
import { demoStaff } from '../db/seed.ts';
import type { AccountsStore } from './accounts-store.ts';

/**
 * Gives the seeded demo team the demo password (DEMO_STAFF_PASSWORD) while they have none. Only
 * those accounts: one signing in through another provider later has no password on purpose. One
 * hash serves all three: they share the password anyway, and it keeps start-up (and tests) quick.
 */
export function seedDemoPasswords(accounts: AccountsStore, password: string) {
  const ids = demoStaff.map((member) => member.id).filter((id) => accounts.get(id)?.passwordHash === null);
  if (ids.length) accounts.setInitialPasswordHash(ids, hashSync(password));
}
