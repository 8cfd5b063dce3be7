import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

/** Opens (and migrates) the SQLite file under the data directory. */
export function openDatabase(dataDir: string): Db {
  const db = new Database(join(dataDir, 'balie.sqlite'));
  // WAL keeps readers off the writer's back; synchronous=NORMAL is durable across a process kill.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db) {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  migrations.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
  });
}
