import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

/** How often the background connection copies the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/** Should the background checkpoints fall behind, a commit checkpoints itself past this many pages. */
const FALLBACK_CHECKPOINT_PAGES = 20_000;

/** Opens (and migrates) the SQLite file under the data directory. */
export function openDatabase(dataDir: string): Db {
  const file = join(dataDir, 'balie.sqlite');
  // Created readable by the server's user only; SQLite gives its -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const db = new Database(file);
  // WAL keeps readers off the writer's back; synchronous=NORMAL is durable across a process kill.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, not only unlinked: what retention or an erasure removes
  // must not linger in free pages of the file (issue 12). `compactAfterErasure` clears the log too.
  db.pragma('secure_delete = ON');
  const applied = migrate(db);
  // Rows deleted before secure_delete was on (sent mails, removed documents) left their bytes in free
  // pages: an existing database is rebuilt once, when it gets the retention migration.
  if (applied.includes(SECURE_DELETE_MIGRATION) && applied[0]! > 1) db.exec('VACUUM');
  checkpointInBackground(db, file);
  return db;
}

/**
 * With SQLite's default, the commit that fills the log past 1,000 pages copies it into the database
 * and waits for the disk (fsync): every hundredth booking took that wait on the request thread, the
 * largest part of a booking's time. A second connection on a worker thread checkpoints instead, as
 * https://www.sqlite.org/wal.html#application_initiated_checkpoints suggests; PASSIVE never blocks our
 * writers. Closing the database stops the worker.
 */
function checkpointInBackground(db: Db, file: string) {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const db = new (require(workerData.module))(workerData.file);
     db.pragma('busy_timeout = 5000');
     setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.intervalMs);`,
    { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: CHECKPOINT_INTERVAL_MS } },
  );
  worker.unref();
  worker.on('error', () => {}); // the fallback checkpoint still bounds the log
  const close = db.close.bind(db);
  db.close = () => {
    void worker.terminate();
    return close();
  };
}

/**
 * After personal data was deleted: copies the write-ahead log into the database and truncates it to
 * zero bytes, so the old pages that held the data (the log keeps them until it is reset) are gone
 * from disk too. With secure_delete the freed space in the file itself is already zeros. SQLite
 * answers busy at once, without waiting, while the background connection runs its own checkpoint
 * (and while a reader holds an old snapshot): so this tries again for up to `patienceMs`.
 */
export async function compactAfterErasure(db: Db, patienceMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Migration 16: appointments.purged_at, the start of retention that deletes (issue 12). */
const SECURE_DELETE_MIGRATION = 16;

/** Applies the migrations not yet applied; returns their versions. */
function migrate(db: Db): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const now: number[] = [];
  migrations.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
    now.push(version);
  });
  return now;
}
