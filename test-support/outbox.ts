import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../packages/server/src/mail/mailer.ts';
import type { TestServer } from './server.ts';

/**
 * The mails a server in outbox mode (no SMTP_URL) wrote to DATA_DIR/outbox, oldest first. Mails are
 * sent in the background, so this waits for every send started so far.
 */
export async function sentMails(server: TestServer): Promise<OutboxEntry[]> {
  await server.app.booking.flush();
  return readOutbox(server.dataDir);
}

/** The mails in DATA_DIR/outbox, oldest first, whichever process wrote them; throws on a half-written one. */
export function readOutbox(dataDir: string): OutboxEntry[] {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as OutboxEntry);
}

/** The personal link token in a mail: the `balie` parameter of the first link that carries one. */
export function linkToken(text: string): string {
  const link = /https?:\/\/\S*[?&]balie=[^\s&]+\S*/.exec(text)?.[0];
  const token = link && new URL(link).searchParams.get('balie');
  if (!token) throw new Error(`no personal link in:\n${text}`);
  return token;
}
