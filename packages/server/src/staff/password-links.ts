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
  const s = {
    purge: db.prepare<[string]>('DELETE FROM staff_password_links WHERE expires_at <= ?'),
    forget: db.prepare<[string]>('DELETE FROM staff_password_links WHERE staff_id = ?'),
    insert: db.prepare<[string, string, string]>('INSERT INTO staff_password_links (token_hash, staff_id, expires_at) VALUES (?, ?, ?)'),
    find: db.prepare<[string, string], { staffId: string }>(
      'SELECT staff_id AS staffId FROM staff_password_links WHERE token_hash = ? AND expires_at > ?',
    ),
    take: db.prepare<[string, string], { staffId: string }>(
      'DELETE FROM staff_password_links WHERE token_hash = ? AND expires_at > ? RETURNING staff_id AS staffId',
    ),
  };
  return {
    /** Returns the raw token: the only time it exists outside the link. */
    issue: db.transaction((staffId: string, validMs: number): { token: string; expiresAt: string } => {
      const at = now();
      s.purge.run(at.toISOString());
      s.forget.run(staffId);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(at.getTime() + validMs).toISOString();
      s.insert.run(hashToken(token), staffId, expiresAt);
      return { token, expiresAt };
    }),
    /** The account a valid link is for, without using it up. */
    peek: (token: string) => s.find.get(hashToken(token), now().toISOString())?.staffId,
    /** Uses the link up; undefined when it was used, replaced, expired or never issued. */
    take: (token: string) => s.take.get(hashToken(token), now().toISOString())?.staffId,
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
export function setPasswordWithLink(deps: { links: PasswordLinksStore; accounts: AccountsStore; endSessions: (staffId: string) => void }) {
  const { links, accounts } = deps;
  return async function setPassword(input: { token: string; newPassword: string }): Promise<{ email: string }> {
    const staffId = links.peek(input.token);
    const account = staffId ? accounts.get(staffId) : undefined;
    if (!account?.active) throw invalidLink();
    const passwordHash = await hashPassword(input.newPassword);
    if (links.take(input.token) !== account.id) throw invalidLink();
    accounts.setPasswordHash(account.id, passwordHash);
    // Whoever knew the old password (or held a session with it) is out.
    deps.endSessions(account.id);
    return { email: account.email };
  };
}
