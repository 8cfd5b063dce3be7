import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type Driver, type Transaction } from 'kysely';
import pg from 'pg';
import { migrations, postgresBaseline, POSTGRES_BASELINE_VERSION } from './migrations.ts';
import type { Tables } from './tables.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Query = Kysely<Tables>;

/**
 * The one handle every store gets, on SQLite (the embedded default, a file under DATA_DIR) or on
 * PostgreSQL (DATABASE_URL, several instances). Stores write their queries once with Kysely against
 * `db.q`; the dialect shows only where SQL differs (migrations, a few maintenance statements).
 */
export interface Db {
  readonly dialect: Dialect;
  /** The query builder of the transaction this code runs in (see `transaction`), else of the database. */
  readonly q: Query;
  /** True inside `transaction`. */
  readonly inTransaction: boolean;
  /**
   * Runs `work` in one transaction; every `db.q` used inside it (in any store) takes part. A nested
   * call joins the outer transaction.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` inside a savepoint of the current transaction: should it throw (a unique violation,
   * say), its writes are undone and the transaction can go on. PostgreSQL aborts the whole
   * transaction on an error without one.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` outside any transaction of the caller, e.g. an event's listeners: their queries must
   * not run on a transaction that has committed by the time they get to them.
   */
  detached<T>(work: () => T): T;
  /**
   * Runs `work` once the current transaction has committed (outside it), or at once outside a
   * transaction: events and outbox kicks that must see the committed data. Dropped on a rollback.
   */
  afterCommit(work: () => void): void;
  /**
   * PostgreSQL only (a no-op on SQLite): NOTIFY `channel` with `payload`. Inside a transaction it is
   * sent with the COMMIT, in the same round trip, so the listeners hear it once the data is committed
   * and never after a rollback; outside one, at once.
   */
  notify(channel: string, payload: string): Promise<void>;
  /** Migrates (under a lock on PostgreSQL, so several instances may start at once). */
  ready(): Promise<void>;
  /**
   * Changes whenever data may have changed: a write through this handle (at the statement and again
   * at its commit) or, on SQLite, another connection's commit (the admin command). Caches compare it.
   */
  dataVersion(): string;
  /** Counts a write another instance made (the change feed of scale-out calls it). */
  noteExternalChange(): void;
  /** How many writes went through this handle (the change feed tells other instances when it moves). */
  localWrites(): number;
  /** SQLite only: the file's connection, for checkpoints and VACUUM. */
  readonly sqlite?: Database.Database;
  /** PostgreSQL only: the pool, for LISTEN and advisory locks on a connection of their own. */
  readonly pool?: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  dataDir: string;
  /** postgres://… to use PostgreSQL; unset: SQLite under dataDir. */
  databaseUrl?: string;
  /** PostgreSQL: the schema to work in (tests give each server its own); default `public`. */
  schema?: string;
}

/** How often the background connection copies the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/** Should the background checkpoints fall behind, a commit checkpoints itself past this many pages. */
const FALLBACK_CHECKPOINT_PAGES = 20_000;

/** True for a primary-key or unique violation on either database: someone else claimed it first. */
export const isConflict = (error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code === '23505' || /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(code));
};

/** Opens the database the configuration names; `await db.ready()` before the first query. */
export function openDatabase(options: DatabaseOptions | string): Db {
  const opts = typeof options === 'string' ? { dataDir: options } : options;
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.schema) : openSqlite(opts.dataDir);
}

function openSqlite(dataDir: string): Db {
  const file = join(dataDir, 'balie.sqlite');
  // Created readable by the server's user only; SQLite gives its -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const sqlite = new Database(file);
  // WAL keeps readers off the writer's back; synchronous=NORMAL is durable across a process kill.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, not only unlinked: what retention or an erasure removes
  // must not linger in free pages of the file (issue 12). `compactAfterErasure` clears the log too.
  sqlite.pragma('secure_delete = ON');
  const applied = migrateSqlite(sqlite);
  // Rows deleted before secure_delete was on (sent mails, removed documents) left their bytes in free
  // pages: an existing database is rebuilt once, when it gets the retention migration.
  if (applied.includes(SECURE_DELETE_MIGRATION) && applied[0]! > 1) sqlite.exec('VACUUM');
  const stopCheckpoints = checkpointInBackground(sqlite, file);
  const dataVersion = sqlite.prepare<[], number>('SELECT data_version FROM pragma_data_version').pluck();
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return handle({
    dialect: 'sqlite',
    kysely,
    sqlite,
    ready: async () => {},
    otherConnections: () => dataVersion.get()!,
    close: async () => {
      stopCheckpoints();
      await kysely.destroy();
    },
  });
}

function openPostgres(url: string, schema = 'public'): Db {
  // COUNT(*) and BIGINT come back as strings from pg by default; our numbers (ms timestamps, counts)
  // are far below 2^53, so they are parsed as numbers, for this pool only.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === 20 || oid === 1700 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    options: `-c search_path=${schema}`,
  });
  // An idle connection the server drops (a database restart) must not take the process down.
  pool.on('error', () => {});
  const kysely = new Kysely<Tables>({ dialect: new NotifyingPostgresDialect({ pool }) });
  return handle({
    dialect: 'postgres',
    kysely,
    pool,
    notify: batchedNotify(pool),
    ready: () => migratePostgres(pool, schema),
    otherConnections: () => 0,
    close: () => kysely.destroy(),
  });
}

/** Notices sent together outside transactions at most (two parameters each, far below PostgreSQL's 65,535). */
const NOTIFY_BATCH = 100;

/**
 * NOTIFY outside a transaction, one query at a time: notices made while one is under way go
 * together in the next (`SELECT pg_notify($1, $2), pg_notify($3, $4)…`), so under load a notice
 * costs a fraction of a connection checkout and round trip, and unloaded it goes at once. In
 * order, as PostgreSQL delivers one sender's notices. Resolves once the notice's query is done.
 */
function batchedNotify(pool: pg.Pool) {
  let open: string[][] | undefined;
  let last: Promise<void> = Promise.resolve();
  return (channel: string, payload: string): Promise<void> => {
    if (open && open.length < NOTIFY_BATCH) {
      open.push([channel, payload]);
      return last;
    }
    const batch = (open = [[channel, payload]]);
    last = last
      .catch(() => {})
      .then(async () => {
        if (open === batch) open = undefined;
        await pool.query(`SELECT ${batch.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`, batch.flat());
      });
    return last;
  };
}

/** The NOTIFYs of the transaction being committed (see `Db.notify`), as SQL: `pg_notify('…', '…')`. */
const commitNotices = new AsyncLocalStorage<string[]>();

/**
 * Kysely's PostgreSQL dialect, but a COMMIT carries the transaction's NOTIFYs in its own round trip
 * (`SELECT pg_notify(…); COMMIT` as one simple query): a NOTIFY per event on a pooled connection of
 * its own cost every booking a connection checkout and a round trip. PostgreSQL delivers a NOTIFY
 * made in a transaction only when it commits.
 */
class NotifyingPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    const commit = driver.commitTransaction.bind(driver);
    driver.commitTransaction = async (connection) => {
      const notices = commitNotices.getStore();
      if (!notices?.length) return commit(connection);
      // An aborted transaction fails the SELECT, so COMMIT is never reached; Kysely then rolls back.
      await connection.executeQuery(CompiledQuery.raw(`SELECT ${notices.join(', ')}; COMMIT`));
    };
    return driver;
  }
}

interface Parts {
  dialect: Dialect;
  /** PostgreSQL: NOTIFY outside a transaction. */
  notify?(channel: string, payload: string): Promise<void>;
  kysely: Kysely<Tables>;
  sqlite?: Database.Database;
  pool?: pg.Pool;
  ready(): Promise<void>;
  otherConnections(): number;
  close(): Promise<void>;
}

function handle(parts: Parts): Db {
  const current = new AsyncLocalStorage<Transaction<Tables>>();
  const pending = new WeakMap<Transaction<Tables>, (() => void)[]>();
  const notices = new WeakMap<Transaction<Tables>, string[]>();
  let writes = 0;
  let external = 0;
  let savepoints = 0;
  const noteWrites = {
    transformQuery: (args: { node: { kind: string } }) => {
      if (args.node.kind !== 'SelectQueryNode') writes += 1;
      return args.node as never;
    },
    transformResult: async (args: { result: unknown }) => args.result as never,
  };
  const kysely = parts.kysely.withPlugin(noteWrites);
  let closed: Promise<void> | undefined;
  return {
    dialect: parts.dialect,
    sqlite: parts.sqlite,
    pool: parts.pool,
    get q() {
      return current.getStore() ?? kysely;
    },
    get inTransaction() {
      return current.getStore() !== undefined;
    },
    async transaction(work) {
      if (current.getStore()) return work();
      let queued: (() => void)[] = [];
      const notifies: string[] = [];
      try {
        const result = await commitNotices.run(notifies, () =>
          kysely.transaction().execute((trx) => {
            pending.set(trx, (queued = []));
            notices.set(trx, notifies);
            return current.run(trx, work);
          }),
        );
        current.exit(() => {
          for (const job of queued) job();
        });
        return result;
      } finally {
        // Readers that filled a cache while this transaction ran must not keep what it changed.
        writes += 1;
      }
    },
    async savepoint(work) {
      const trx = current.getStore();
      if (!trx) return this.transaction(work);
      // On SQLite every savepoint ends (RELEASE) before its caller goes on, so they nest as a stack and
      // one name serves all: the same SQL text keeps its prepared statement (a new name per booking
      // was new text each time, and pushed the booking's statements out of the cache). PostgreSQL
      // keeps a succeeded savepoint until the COMMIT, so there each needs its own name.
      const name = sql.id(parts.dialect === 'sqlite' ? 'sp' : `sp_${++savepoints}`);
      await sql`SAVEPOINT ${name}`.execute(trx);
      try {
        const result = await work();
        // On PostgreSQL the savepoint is left for the COMMIT (or an outer rollback) to end: a RELEASE
        // would cost a round trip and frees nothing (the subtransaction's id stays with the
        // transaction either way); a later savepoint nests inside it and rolls back on its own.
        if (parts.dialect === 'sqlite') await sql`RELEASE SAVEPOINT ${name}`.execute(trx);
        return result;
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(trx);
        await sql`RELEASE SAVEPOINT ${name}`.execute(trx);
        throw error;
      }
    },
    detached: (work) => current.exit(work),
    afterCommit(work) {
      const trx = current.getStore();
      const queue = trx && pending.get(trx);
      if (queue) queue.push(work);
      else current.exit(work);
    },
    async notify(channel, payload) {
      if (!parts.notify) return;
      const trx = current.getStore();
      const queue = trx && notices.get(trx);
      if (queue) queue.push(`pg_notify(${pg.escapeLiteral(channel)}, ${pg.escapeLiteral(payload)})`);
      else await parts.notify(channel, payload);
    },
    ready: parts.ready,
    dataVersion: () => `${writes}:${external}:${parts.otherConnections()}`,
    noteExternalChange: () => {
      external += 1;
    },
    localWrites: () => writes,
    close() {
      closed ??= parts.close();
      return closed;
    },
  };
}

/** Distinct statements kept prepared; queries with IN lists of many lengths must not grow it forever. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running most of ours
 * (a booking's dozen statements took three times as long). better-sqlite3's statements are reusable,
 * so the same SQL text gets the same prepared statement, the least recently used dropped past the cache's size.
 */
function withStatementCache(sqlite: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        // Least recently used goes first: a booking's statements stay while rare ones come and go.
        statements.delete(text);
        statements.set(text, statement);
        return statement;
      }
      statement = sqlite.prepare(text);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
      return statement;
    },
  };
}

/**
 * With SQLite's default, the commit that fills the log past 1,000 pages copies it into the database
 * and waits for the disk (fsync): every hundredth booking took that wait on the request thread, the
 * largest part of a booking's time. A second connection on a worker thread checkpoints instead, as
 * https://www.sqlite.org/wal.html#application_initiated_checkpoints suggests; PASSIVE never blocks our
 * writers. Returns what stops the worker.
 */
function checkpointInBackground(db: Database.Database, file: string) {
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
  return () => void worker.terminate();
}

/**
 * After personal data was deleted: on SQLite, copies the write-ahead log into the database and
 * truncates it to zero bytes, so the old pages that held the data (the log keeps them until it is
 * reset) are gone from disk too. With secure_delete the freed space in the file itself is already
 * zeros. SQLite answers busy at once, without waiting, while the background connection runs its own
 * checkpoint (and while a reader holds an old snapshot): so this tries again for up to `patienceMs`.
 * On PostgreSQL, deleted tuples are reclaimed by (auto)vacuum; this returns true.
 */
export async function compactAfterErasure(db: Db, patienceMs = 5_000): Promise<boolean> {
  if (!db.sqlite) return true;
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const [result] = db.sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Migration 16: appointments.purged_at, the start of retention that deletes (issue 12). */
const SECURE_DELETE_MIGRATION = 16;

const migrationSql = (migration: (typeof migrations)[number], dialect: Dialect) =>
  typeof migration === 'string' ? migration : migration[dialect];

/** Applies the migrations not yet applied; returns their versions. */
function migrateSqlite(db: Database.Database): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const now: number[] = [];
  migrations.forEach((migration, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(migrationSql(migration, 'sqlite'));
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
    now.push(version);
  });
  return now;
}

/** Any constant: the advisory lock every starting instance takes while it migrates. */
const MIGRATION_LOCK = 0x0ba11e;

/**
 * PostgreSQL starts from one baseline (the schema SQLite reaches after its first
 * POSTGRES_BASELINE_VERSION migrations, written for PostgreSQL) and then takes the later migrations'
 * `postgres` text. Instances that start together wait on an advisory lock, so exactly one migrates.
 */
async function migratePostgres(pool: pg.Pool, schema: string) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => Number(row.version)));
      const steps: { versions: number[]; sql: string }[] = [];
      if (!applied.has(POSTGRES_BASELINE_VERSION)) {
        steps.push({ versions: Array.from({ length: POSTGRES_BASELINE_VERSION }, (_, i) => i + 1), sql: postgresBaseline });
      }
      migrations.forEach((migration, index) => {
        const version = index + 1;
        if (version > POSTGRES_BASELINE_VERSION && !applied.has(version)) steps.push({ versions: [version], sql: migrationSql(migration, 'postgres') });
      });
      for (const step of steps) {
        await client.query('BEGIN');
        try {
          await client.query(step.sql);
          for (const version of step.versions) {
            await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()]);
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
