import { hash, verify } from '@node-rs/argon2';
import type { AccountsStore } from './accounts-store.ts';
import type { IdentityProvider, StaffAccount } from './identity.ts';

/**
 * The library's defaults are argon2id with 19 MiB, 2 passes, 1 lane: the OWASP minimum
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
 */
export const hashPassword = (password: string) => hash(password);

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Spent on unknown accounts so a wrong e-mail takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

/** Sign-in with an e-mail address and a password hashed in the staff table. */
export function passwordIdentity(accounts: AccountsStore): IdentityProvider {
  return {
    method: 'password',
    async verifyPassword(email, password): Promise<StaffAccount | undefined> {
      const account = await accounts.findByEmail(email);
      if (!account?.passwordHash || !account.active) {
        await passwordMatches(await (decoyHash ??= hashPassword('decoy password for timing')), password);
        return undefined;
      }
      if (!(await passwordMatches(account.passwordHash, password))) return undefined;
      return { id: account.id, name: account.name, email: account.email, role: account.role };
    },
  };
}
