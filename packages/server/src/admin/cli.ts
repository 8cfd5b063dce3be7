/**
 * `npm run admin -- <command>`: the operator's commands on the server's own database. Run it with
 * the server's environment (DATA_DIR, DATABASE_URL, PUBLIC_URL), on the server's machine or in its container.
 *
 *   create --email <address> --name <name> [--password-stdin] [--force] [--valid-hours <n>]
 *   password-link --email <address> [--valid-hours <n>]
 */
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { createAccountSchema, newPasswordSchema } from '../staff/schemas.ts';
import { AdminRefusal, adminCommands, type PasswordLink } from './commands.ts';

const usage = `Usage: npm run admin -- <command> [options]

  create --email <address> --name <name>   Create a beheerder (only while there is none, unless --force)
      --password-stdin                     Read the password from standard input instead of printing a link
      --force                              Create one even though a beheerder exists
  password-link --email <address>          A new one-time link to set the password of an existing account
  --valid-hours <n>                        How long a printed link works (default 24, at most 168)

Run it with the server's environment (DATA_DIR, DATABASE_URL, PUBLIC_URL): the link points at PUBLIC_URL.`;

const optionsSchema = z.object({
  email: createAccountSchema.shape.email,
  name: createAccountSchema.shape.name.optional(),
  'valid-hours': z.coerce.number().int().min(1).max(168).optional(),
});

class UsageError extends Error {}

async function main(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      force: { type: 'boolean' },
      'valid-hours': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) return usage;
  if (!command || rest.length || !['create', 'password-link'].includes(command)) throw new UsageError(usage);
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  const options = parsed.data;
  const validHours = options['valid-hours'];

  // The database, and the link secret loadConfig may write, are for the server's user only.
  process.umask(0o077);
  const config = loadConfig();
  const db = openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  try {
    await db.ready();
    const admin = adminCommands(db, config);
    if (command === 'password-link') {
      const { account, link } = await admin.passwordLink({ email: options.email, validHours });
      return linkText(`${account.name} <${account.email}>`, link!);
    }
    if (!options.name) throw new UsageError('--name: please give the beheerder a name');
    const password = values['password-stdin'] ? await passwordFromStdin() : undefined;
    const { account, link } = await admin.createBeheerder({ name: options.name, email: options.email, password, force: values.force, validHours });
    const created = `Beheerder ${account.name} <${account.email}> created (id ${account.id}).`;
    return link ? `${created}\n${linkText('this account', link)}` : `${created}\nSign in at ${config.publicUrl}/medewerker with that password.`;
  } finally {
    await db.close();
  }
}

function linkText(who: string, link: PasswordLink): string {
  return `Open this link to choose the password of ${who}. It works once, until ${link.expiresAt}:\n\n  ${link.url}\n\nSend it only to that person.`;
}

/** All of standard input, without the line end `echo` or a password manager adds. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  const password = (await text(process.stdin)).replace(/\r?\n$/, '');
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success) throw new UsageError(`The password was refused: ${checked.error.issues[0]!.message}.`);
  return password;
}

try {
  console.log(await main(process.argv.slice(2)));
} catch (error) {
  if (error instanceof AdminRefusal) {
    console.error(error.message);
    process.exitCode = 1;
  } else if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error((error as Error).message);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
