import type { CatalogStore } from '../catalog/store.ts';
import { isConflict } from '../db/database.ts';
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
export async function idFor(email: string, taken: (id: string) => Promise<boolean>): Promise<string> {
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'medewerker';
  let id = base;
  for (let n = 2; await taken(id); n++) id = `${base}-${n}`;
  return id;
}

/** An id is taken when an account has it. */
export const idTaken = (accounts: AccountsStore) => async (id: string) => (await accounts.get(id)) !== undefined;

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
  const emailTaken = () => new HttpError(409, 'email_taken', 'There is already an account with this e-mail address.');
  const publicAccount = async (a: AccountRow) => ({
    id: a.id,
    name: a.name,
    email: a.email,
    role: a.role,
    active: a.active,
    serviceIds: await accounts.servicesOf(a.id),
    mustChangePassword: a.mustChangePassword,
    totp: a.totp,
    oidc: a.oidc,
  });
  const existing = async (id: string) => {
    const account = await accounts.get(id);
    if (!account) throw new HttpError(404, 'not_found', 'There is no account with this id.');
    return account;
  };

  return {
    list: async () => Promise.all((await accounts.list()).map(publicAccount)),

    async create(actor: StaffAccount, input: { name: string; email: string; role: StaffAccount['role']; password: string; serviceIds: string[] }) {
      requireBeheerder(actor);
      const unknown: string[] = [];
      for (const id of input.serviceIds) if (!(await catalog.getService(id))) unknown.push(id);
      if (unknown.length) throw new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields: { serviceIds: `unknown service: ${unknown.join(', ')}` } });
      const passwordHash = await gate.run(() => hashPassword(input.password));
      // The checks and the insert in one transaction; should another request still claim the address
      // or id first (PostgreSQL lets both read), the unique constraint refuses this one.
      const id = await accounts
        .transaction(async () => {
          if (await accounts.findByEmail(input.email)) throw emailTaken();
          const id = await idFor(input.email, idTaken(accounts));
          // A password the beheerder chose is known to two people: its owner replaces it at first sign-in.
          await accounts.create({ id, name: input.name, email: input.email, role: input.role, passwordHash, serviceIds: [...new Set(input.serviceIds)], mustChangePassword: true });
          return id;
        })
        .catch((error: unknown) => {
          throw isConflict(error) ? emailTaken() : error;
        });
      return publicAccount((await accounts.get(id))!);
    },

    /**
     * Changes the role, deactivates or reactivates. Deactivating ends every session of the account at
     * once (and the session lookup joins on `active`, so none could outlive it anyway). The last
     * active beheerder can be neither deactivated nor demoted: nobody could manage accounts after;
     * parallel changes are checked one after the other (`lockBeheerders`).
     */
    async update(actor: StaffAccount, id: string, input: { role?: StaffAccount['role']; active?: boolean }) {
      requireBeheerder(actor);
      await accounts.transaction(async () => {
        // First the lock, then the reads: a parallel demotion of another beheerder has committed by then.
        await accounts.lockBeheerders();
        const account = await existing(id);
        const losesBeheerder = account.active && account.role === 'beheerder' && (input.active === false || input.role === 'medewerker');
        if (losesBeheerder && (await accounts.countActiveBeheerders()) <= 1) {
          throw new HttpError(409, 'last_beheerder', 'This is the last active beheerder: make another account beheerder first.');
        }
        if (input.role && input.role !== account.role) await accounts.setRole(id, input.role);
        if (input.active !== undefined && input.active !== account.active) {
          await accounts.setActive(id, input.active);
          if (!input.active) await sessions.endAll(id);
        }
      });
      return publicAccount((await accounts.get(id))!);
    },

    /**
     * A one-time link to set a new password, for the beheerder to pass on (forgotten password, lost
     * phone). The current password keeps working until the link is used; the link is in the fragment
     * so no server, log or Referer sees it.
     */
    async passwordLink(actor: StaffAccount, id: string) {
      requireBeheerder(actor);
      const account = await existing(id);
      if (!account.active) throw new HttpError(409, 'account_inactive', 'Reactivate this account first.');
      const { token, expiresAt } = await deps.links.issue(id, DEFAULT_LINK_VALID_HOURS * 3_600_000);
      return { url: `${deps.publicUrl}/medewerker#wachtwoord=${token}`, expiresAt };
    },

    /**
     * Needs the current password, checked like a sign-in (same counters, so a stolen session cannot
     * guess it faster than the sign-in form could); signs the account out of every other session.
     */
    async changePassword(actor: StaffAccount, sessionId: string, input: { currentPassword: string; newPassword: string }, ip: string) {
      const account = await accounts.get(actor.id);
      const wrong = () =>
        new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields: { currentPassword: 'is not your current password' } });
      const { passwordHash } = account ?? {};
      if (!passwordHash) throw wrong();
      await check(account!.email, ip, async () => (await passwordMatches(passwordHash, input.currentPassword)) || undefined, wrong);
      await accounts.setPasswordHash(actor.id, await gate.run(() => hashPassword(input.newPassword)));
      await sessions.endOthers(actor.id, sessionId);
    },
  };
}

export type StaffAccounts = ReturnType<typeof staffAccounts>;
