import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import type { AccountsStore } from './accounts-store.ts';
import { hashPassword } from './password-identity.ts';

/** How long a printed set-password link works unless the admin command says otherwise. */
export const DEFAULT_LINK_VALID_HOURS = 24;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * One-time set-password links (`npm run admin`): a 256-bit random token, of which only the SHA-256
 * is stored. A new link for an account replaces its older ones; using a link deletes it, so it works
 * once; an expired one is worthless and purged on the next issue.
 */
export function passwordLinksStore(db: Db, now: () => Date = () => new Date()) {
  return {
    /** Returns the raw token: the only time it exists outside the link. */
    issue: (staffId: string, validMs: number): Promise<{ token: string; expiresAt: string }> =>
      db.transaction(async () => {
        const at = now();
        await db.q.deleteFrom('staff_password_links').where('expires_at', '<=', at.toISOString()).execute();
        await db.q.deleteFrom('staff_password_links').where('staff_id', '=', staffId).execute();
        const token = randomBytes(32).toString('base64url');
        const expiresAt = new Date(at.getTime() + validMs).toISOString();
        await db.q.insertInto('staff_password_links').values({ token_hash: hashToken(token), staff_id: staffId, expires_at: expiresAt }).execute();
        return { token, expiresAt };
      }),
    /** The account a valid link is for, without using it up. */
    peek: async (token: string) =>
      (
        await db.q
          .selectFrom('staff_password_links')
          .select('staff_id')
          .where('token_hash', '=', hashToken(token))
          .where('expires_at', '>', now().toISOString())
          .executeTakeFirst()
      )?.staff_id,
    /** Uses the link up; undefined when it was used, replaced, expired or never issued. */
    take: async (token: string) =>
      (
        await db.q
          .deleteFrom('staff_password_links')
          .where('token_hash', '=', hashToken(token))
          .where('expires_at', '>', now().toISOString())
          .returning('staff_id')
          .executeTakeFirst()
      )?.staff_id,
  };
}

export type PasswordLinksStore = ReturnType<typeof passwordLinksStore>;

const invalidLink = () =>
  new HttpError(410, 'password_link_invalid', 'This link to set a password was already used or has expired. Ask a beheerder for a new one.');

/**
 * Sets the password of the account a link was issued for and uses the link up. The link is checked
 * before the (deliberately costly) hash, so only its holder can make the server hash anything; two
 * requests racing with one link both hash, but only the first to take it sets a password.
 */
export function setPasswordWithLink(deps: { links: PasswordLinksStore; accounts: AccountsStore; endSessions: (staffId: string) => Promise<void> }) {
  const { links, accounts } = deps;
  return async function setPassword(input: { token: string; newPassword: string }): Promise<{ email: string }> {
    const staffId = await links.peek(input.token);
    const account = staffId ? await accounts.get(staffId) : undefined;
    if (!account?.active) throw invalidLink();
    const passwordHash = await hashPassword(input.newPassword);
    if ((await links.take(input.token)) !== account.id) throw invalidLink();
    await accounts.setPasswordHash(account.id, passwordHash);
    // Whoever knew the old password (or held a session with it) is out.
    await deps.endSessions(account.id);
    return { email: account.email };
  };
}
