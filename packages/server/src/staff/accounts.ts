import type { CatalogStore } from '../catalog/store.ts';
import { HttpError } from '../http/errors.ts';
import type { AccountsStore } from './accounts-store.ts';
import type { StaffAccount } from './identity.ts';
import type { HashGate } from './hash-gate.ts';
import { hashPassword, passwordMatches } from './password-identity.ts';
import { requireBeheerder } from './roles.ts';
import type { StaffSessions } from './sessions.ts';
import type { PasswordCheck } from './sign-in.ts';

/** A readable, stable id from the e-mail address: `dirk.devos@…` becomes `dirk-devos`. */
export function idFor(email: string, taken: (id: string) => boolean): string {
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'medewerker';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

/** Staff accounts: listing, creating (beheerder only) and changing one's own password. */
export function staffAccounts(deps: { accounts: AccountsStore; catalog: CatalogStore; sessions: StaffSessions; check: PasswordCheck; gate: HashGate }) {
  const { accounts, catalog, sessions, check, gate } = deps;
  const publicAccount = (a: StaffAccount & { active: boolean }) => ({
    id: a.id,
    name: a.name,
    email: a.email,
    role: a.role,
    active: a.active,
    serviceIds: accounts.servicesOf(a.id),
  });

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
      accounts.create({ id, name: input.name, email: input.email, role: input.role, passwordHash, serviceIds: [...new Set(input.serviceIds)] });
      return publicAccount(accounts.get(id)!);
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
