import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { accountsStore } from '../staff/accounts-store.ts';
import { idFor, idTaken } from '../staff/accounts.ts';
import { hashPassword } from '../staff/password-identity.ts';
import { DEFAULT_LINK_VALID_HOURS, passwordLinksStore } from '../staff/password-links.ts';

/** A refusal the operator can act on; the command prints it and exits with 1. */
export class AdminRefusal extends Error {}

export interface PasswordLink {
  url: string;
  expiresAt: string;
}

/**
 * The operator's commands, on the server's own database (same DATA_DIR and PUBLIC_URL). They run
 * beside a running server: SQLite's WAL and busy timeout let both write; on PostgreSQL (DATABASE_URL)
 * they are one more client of the same database.
 */
export function adminCommands(db: Db, config: Pick<Config, 'publicUrl'>, now: () => Date = () => new Date()) {
  const accounts = accountsStore(db);
  const links = passwordLinksStore(db, now);

  /** The link goes in the fragment: browsers send that to no server, log or Referer. */
  const linkFor = async (staffId: string, validHours: number): Promise<PasswordLink> => {
    const { token, expiresAt } = await links.issue(staffId, validHours * 3_600_000);
    return { url: `${config.publicUrl}/medewerker#wachtwoord=${token}`, expiresAt };
  };

  const activeBeheerders = async () => (await accounts.list()).filter((a) => a.active && a.role === 'beheerder');

  return {
    activeBeheerders,

    /**
     * Creates a beheerder: with `password` it can sign in at once; without, it gets a one-time link
     * to choose one. Only while no active beheerder exists, unless `force`: the command is how the
     * first one is made, after that beheerders add accounts in the console.
     */
    async createBeheerder(input: { name: string; email: string; password?: string; force?: boolean; validHours?: number }) {
      const existing = await activeBeheerders();
      if (existing.length && !input.force) {
        throw new AdminRefusal(
          `There is already a beheerder (${existing.map((a) => a.email).join(', ')}): add accounts in the staff console, or pass --force to create another one here.`,
        );
      }
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      if (await accounts.findByEmail(input.email)) {
        throw new AdminRefusal(`There is already an account with ${input.email}: use the password-link command to give it a new password.`);
      }
      const id = await idFor(input.email, idTaken(accounts));
      await accounts.create({ id, name: input.name, email: input.email, role: 'beheerder', passwordHash, serviceIds: [] });
      return {
        account: { id, name: input.name, email: input.email },
        link: passwordHash ? undefined : await linkFor(id, input.validHours ?? DEFAULT_LINK_VALID_HOURS),
      };
    },

    /**
     * A new one-time link for an existing account (a forgotten password, or a demo account whose
     * published password was taken away). Its current password keeps working until the link is used.
     */
    async passwordLink(input: { email: string; validHours?: number }) {
      const account = await accounts.findByEmail(input.email);
      if (!account?.active) throw new AdminRefusal(`There is no active account with ${input.email}.`);
      return { account: { id: account.id, name: account.name, email: account.email }, link: await linkFor(account.id, input.validHours ?? DEFAULT_LINK_VALID_HOURS) };
    },
  };
}
