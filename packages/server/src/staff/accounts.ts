import type { CatalogStore } from '../catalog/store.ts';
import { HttpError } from '../http/errors.ts';
import type { AccountRow, AccountsStore } from './accounts-store.ts';
import type { StaffAccount } from './identity.ts';
import type { HashGate } from './hash-gate.ts';
import { hashPassword, passwordMatches } from './password-identity.ts';
import { requireBeheerder } from './roles.ts';
import type { StaffSessions } from './sessions.ts';
import type { PasswordCheck } from './sign-in.ts';
import type { PasswordLinksStore } from './password-links.ts';
import { DEFAULT_LINK_VALID_HOURS } from './password-links.ts';

/** A readable, stable id from the e-mail address: `dirk.devos@…` becomes `dirk-devos`. */
export function idFor(email: string, taken: (id: string) => boolean): string {
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'medewerker';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * Staff accounts: listing; creating, deactivating, reactivating, changing the role and issuing a
 * set-password link (beheerder only); changing one's own password.
 */
export function staffAccounts(deps: {
  accounts: AccountsStore;
  catalog: CatalogStore;
  sessions: StaffSessions;
  check: PasswordCheck;
  gate: HashGate;
  links: PasswordLinksStore;
  publicUrl: string;
}) {
  const { accounts, catalog, sessions, check, gate } = deps;
  const publicAccount = (a: AccountRow) => ({
    id: a.id,
    name: a.name,
    email: a.email,
    role: a.role,
    active: a.active,
    serviceIds: accounts.servicesOf(a.id),
    mustChangePassword: a.mustChangePassword,
    totp: a.totp,
    oidc: a.oidc,
  });
  const existing = (id: string) => {
    const account = accounts.get(id);
    if (!account) throw new HttpError(404, 'not_found', 'There is no account with this id.');
    return account;
  };

  return {
    list: () => accounts.list().map(publicAccount),

    async create(actor: StaffAccount, input: { name: string; email: string; role: StaffAccount['role']; password: string; serviceIds: string[] }) {
      requireBeheerder(actor);
      const unknown = input.serviceIds.filter((id) => !catalog.getService(id));
      if (unknown.length) throw new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields: { serviceIds: `unknown service: ${unknown.join(', ')}` } });
      const passwordHash = await gate.run(() => hashPassword(input.password));
      // From here on no await: the checks and the insert cannot interleave with another request.
      if (accounts.findByEmail(input.email)) throw new HttpError(409, 'email_taken', 'There is already an account with this e-mail address.');
      const id = idFor(input.email, (candidate) => accounts.get(candidate) !== undefined);
      // A password the beheerder chose is known to two people: its owner replaces it at first sign-in.
      accounts.create({ id, name: input.name, email: input.email, role: input.role, passwordHash, serviceIds: [...new Set(input.serviceIds)], mustChangePassword: true });
      return publicAccount(accounts.get(id)!);
    },

    /**
     * Changes the role, deactivates or reactivates. Deactivating ends every session of the account at
     * once (and the session lookup joins on `active`, so none could outlive it anyway). The last
     * active beheerder can be neither deactivated nor demoted: nobody could manage accounts after.
     */
    update(actor: StaffAccount, id: string, input: { role?: StaffAccount['role']; active?: boolean }) {
      requireBeheerder(actor);
      const account = existing(id);
      const losesBeheerder = account.active && account.role === 'beheerder' && (input.active === false || input.role === 'medewerker');
      if (losesBeheerder && accounts.countActiveBeheerders() <= 1) {
        throw new HttpError(409, 'last_beheerder', 'This is the last active beheerder: make another account beheerder first.');
      }
      if (input.role && input.role !== account.role) accounts.setRole(id, input.role);
      if (input.active !== undefined && input.active !== account.active) {
        accounts.setActive(id, input.active);
        if (!input.active) sessions.endAll(id);
      }
      return publicAccount(accounts.get(id)!);
    },

    /**
     * A one-time link to set a new password, for the beheerder to pass on (forgotten password, lost
     * phone). The current password keeps working until the link is used; the link is in the fragment
     * so no server, log or Referer sees it.
     */
    passwordLink(actor: StaffAccount, id: string) {
      requireBeheerder(actor);
      const account = existing(id);
      if (!account.active) throw new HttpError(409, 'account_inactive', 'Reactivate this account first.');
      const { token, expiresAt } = deps.links.issue(id, DEFAULT_LINK_VALID_HOURS * 3_600_000);
      return { url: `${deps.publicUrl}/medewerker#wachtwoord=${token}`, expiresAt };
    },

    /**
     * Needs the current password, checked like a sign-in (same counters, so a stolen session cannot
     * guess it faster than the sign-in form could); signs the account out of every other session.
     */
    async changePassword(actor: StaffAccount, sessionId: string, input: { currentPassword: string; newPassword: string }, ip: string) {
      const account = accounts.get(actor.id);
      const wrong = () =>
        new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields: { currentPassword: 'is not your current password' } });
      const { passwordHash } = account ?? {};
      if (!passwordHash) throw wrong();
      await check(account!.email, ip, async () => (await passwordMatches(passwordHash, input.currentPassword)) || undefined, wrong);
      accounts.setPasswordHash(actor.id, await gate.run(() => hashPassword(input.newPassword)));
      sessions.endOthers(actor.id, sessionId);
    },
  };
}

export type StaffAccounts = ReturnType<typeof staffAccounts>;
