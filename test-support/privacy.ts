import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import yauzl from 'yauzl';
import type { Db } from '../packages/server/src/db/database.ts';
import { book } from './booking.ts';
import { firstSlot, type TestServer } from './server.ts';
import type { StaffClient } from './staff.ts';
import { tusClient } from './tus.ts';

/** Letters only: names must pass the name check (no digits-as-links, one line). */
const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');

/**
 * A person nobody else in the data directory is: a name, e-mail address and mobile number made for
 * one test, so finding any of them in a file can only mean this person's data is still there.
 */
export function uniquePerson() {
  const tag = letters(10);
  const digits = String(randomInt(1_000_000)).padStart(6, '0');
  const phone = `+32470${digits}`;
  return {
    tag,
    name: `Zoë Q${tag}`,
    email: `z.${tag}@example.org`,
    phone,
    /** How the number reads in mails and calendars: +32 470 12 34 56, 0470 12 34 56. */
    phoneForms: [phone, `+32 470 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)}`, `0470${digits}`, `0470 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)}`],
    companion: { name: `Kobe W${tag}`, email: `k.${tag}@example.org` },
    intakeAnswer: `diagnose ${tag}`,
  };
}

export type UniquePerson = ReturnType<typeof uniquePerson>;

/** Every string that names the person, for a raw search through files. */
export const needlesOf = (p: UniquePerson) => [p.tag, p.name, p.email, ...p.phoneForms, p.companion.name, p.companion.email];

/** Files under `dir` (recursively) whose raw bytes contain any of `needles`, with what they contain. */
export function filesContaining(dir: string, needles: string[]): { file: string; found: string[] }[] {
  const hits: { file: string; found: string[] }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    const found = needles.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le')));
    if (found.length) hits.push({ file, found });
  }
  return hits;
}

/**
 * The rows of every table that points at an appointment (by a foreign key or an appointment_id
 * column) and the webhook rows that name it: written apart from the server's own export query, so
 * the tests compare two readings of the schema.
 */
export async function rowsAbout(db: Db, appointmentId: string): Promise<Record<string, Record<string, unknown>[]>> {
  // PostgreSQL lists the tables of every schema: the server's is the one on its search path.
  const schema = db.dialect === 'postgres' ? (await sql<{ name: string }>`SELECT current_schema() AS name`.execute(db.q)).rows[0]!.name : undefined;
  const tables = (await db.q.introspection.getTables()).filter((t) => !t.isView && t.schema === schema && t.name !== 'appointments');
  const result: Record<string, Record<string, unknown>[]> = {};
  for (const table of tables) {
    const columns = new Set(table.columns.filter((c) => c.name === 'appointment_id').map((c) => c.name));
    if (db.dialect === 'sqlite') {
      const { rows } = await sql<{ from: string }>`SELECT "from" FROM pragma_foreign_key_list(${table.name}) WHERE "table" = 'appointments'`.execute(db.q);
      for (const row of rows) columns.add(row.from);
    }
    for (const column of columns) {
      result[table.name] = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table.name)} WHERE ${sql.ref(column)} = ${appointmentId}`.execute(db.q)).rows;
    }
  }
  const webhooks = await db.q.selectFrom('webhook_deliveries').selectAll().orderBy('created_at').orderBy('id').execute();
  result.webhook_deliveries = webhooks.filter((row) => JSON.parse(row.payload).data?.appointmentId === appointmentId);
  return result;
}

/**
 * A person with everything the product stores about them: booking (name, e-mail, phone, intake,
 * host-page metadata), a companion, a document whose name and bytes hold their name, a dossier note,
 * webhook rows, the mails in the outbox. The chat is peer to peer: the server never sees it.
 */
export async function personWithData(server: TestServer, staff: StaffClient, p: UniquePerson, slotQuery = 'channel=video') {
  const slot = await firstSlot(server.url, 'mantelzorgpremie', slotQuery);
  const { id, token } = await book(server, slot, {
    citizen: { name: p.name, email: p.email, phone: p.phone },
    companion: { name: p.companion.name, email: p.companion.email, role: 'family' },
    intake: { zorgvrager: p.intakeAnswer },
    metadata: { dossier: `case-${p.tag}` },
  });
  const upload = await tusClient(server.url, { token }).upload(Buffer.from(`Attest voor ${p.name}, ${p.email}, ${p.phone}\n`), {
    filename: `attest-${p.tag}.txt`,
  });
  assert.equal(upload.status, 204, JSON.stringify(upload));
  const note = await staff.request(`/api/staff/appointments/${id}`, { method: 'PATCH', body: { notes: `Belde met ${p.name} (${p.phone}).` } });
  assert.equal(note.status, 200, JSON.stringify(note.body));
  await server.app.booking.flush();
  return { id, token, slot };
}

/** Every entry of a zip: name → bytes. */
export function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
