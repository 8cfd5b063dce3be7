import { hashSync, verifySync } from '@node-rs/argon2';
import { PUBLISHED_DEMO_PASSWORD } from '../config.ts';
import { demoStaff } from '../db/seed.ts';
import type { AccountsStore } from './accounts-store.ts';

/**
 * Gives the seeded demo team the demo password (DEMO_STAFF_PASSWORD) while they have none. Only
 * those accounts: one signing in through another provider later has no password on purpose. One
 * hash serves all three: they share the password anyway, and it keeps start-up (and tests) quick.
 */
export async function seedDemoPasswords(accounts: AccountsStore, password: string) {
  const ids: string[] = [];
  for (const member of demoStaff) if ((await accounts.get(member.id))?.passwordHash === null) ids.push(member.id);
  if (ids.length) await accounts.setInitialPasswordHash(ids, hashSync(password));
}

/**
 * A server others can reach must not keep the published demo password, also where an older version
 * (which seeded it on every start) left it in the database: those demo accounts lose it, and their
 * sessions end. Returns the ids it revoked. Only the demo team is checked (three argon2 verifications
 * at start); anyone else chose their own password.
 */
export async function revokePublishedDemoPassword(accounts: AccountsStore, endSessions: (staffId: string) => Promise<void>): Promise<string[]> {
  const revoked: string[] = [];
  for (const member of demoStaff) {
    const account = await accounts.get(member.id);
    if (account?.passwordHash && matches(account.passwordHash)) revoked.push(account.id);
  }
  for (const id of revoked) {
    await accounts.clearPasswordHash(id);
    await endSessions(id);
  }
  return revoked;
}

function matches(hash: string): boolean {
  try {
    return verifySync(hash, PUBLISHED_DEMO_PASSWORD);
  } catch {
    return false;
  }
}
