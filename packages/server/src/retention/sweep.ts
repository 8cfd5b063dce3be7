import { compactAfterErasure, type Db } from '../db/database.ts';
import type { AppointmentEraser } from './erase.ts';
import type { RetentionStore } from './store.ts';

const DAY = 86_400_000;
/** Appointments read per query; the sweep asks again until none is left. */
const BATCH = 100;
/** The name of the sweep's advisory lock on PostgreSQL (each schema has its own, see `alone`). */
const SWEEP_LOCK = 'retention-sweep';

export interface SweepCounts {
  appointments: number;
  documents: number;
  mails: number;
  feedbackComments: number;
  /** Appointments that failed this run (each logged by id); the next run tries them again. */
  failed: number;
}

export interface SweepOptions {
  /** Called after each appointment is erased; a throw stops the run there (tests: a crash halfway). */
  afterAppointment?: (id: string) => void;
}

/**
 * Retention (README, "Privacy"): RETENTION_DAYS after an appointment ended, or after it was
 * cancelled, its personal data goes. Driven by the database, so it is idempotent and a run that died
 * halfway is finished by the next; each appointment is its own transaction. Logs counts, never content.
 * Several instances on one PostgreSQL database each run it on their timer; an advisory lock lets one
 * sweep at a time and the others skip their turn (see `alone`). On SQLite, one process owns the file.
 */
export function retentionSweep(deps: {
  db: Db;
  store: RetentionStore;
  eraser: AppointmentEraser;
  retentionDays: number;
  now: () => Date;
  log: (message: string, error?: unknown) => void;
}) {
  const { store, eraser } = deps;
  let running: Promise<SweepCounts> | undefined;
  let needsCompaction = false;

  async function sweep(opts: SweepOptions): Promise<SweepCounts> {
    const cutOff = new Date(deps.now().getTime() - deps.retentionDays * DAY).toISOString();
    const counts: SweepCounts = { appointments: 0, documents: 0, mails: 0, feedbackComments: 0, failed: 0 };
    const failed = new Set<string>();
    try {
      for (;;) {
        const ids = (await store.due(cutOff, BATCH + failed.size)).filter((id) => !failed.has(id));
        if (!ids.length) break;
        for (const id of ids) {
          try {
            const erased = await eraser.eraseAppointment(id);
            if (erased) {
              counts.appointments++;
              counts.documents += erased.documents;
              counts.mails += erased.mails;
            }
          } catch (error) {
            failed.add(id);
            deps.log(`retention: appointment ${id} could not be erased, retried on the next run`, error);
          }
          opts.afterAppointment?.(id);
        }
      }
      counts.feedbackComments = await store.blankCommentsBefore(cutOff);
    } finally {
      counts.failed = failed.size;
      // Also after a run that stopped halfway: what it did delete must leave the log file as well.
      if (counts.appointments || counts.feedbackComments) needsCompaction = true;
      if (needsCompaction) await compact();
    }
    if (counts.appointments || counts.feedbackComments || counts.failed) {
      deps.log(
        `retention: ${counts.appointments} appointments erased (${counts.documents} documents, ${counts.mails} mails), ` +
          `${counts.feedbackComments} feedback comments removed, ${counts.failed} failed`,
      );
    }
    return counts;
  }

  /** Clears the database's log; when it stays busy, the next run (or erasure) tries again. */
  async function compact() {
    needsCompaction = true;
    try {
      if (await compactAfterErasure(deps.db)) needsCompaction = false;
      else deps.log('retention: the database log stayed busy; it is cleared on the next run');
    } catch (error) {
      deps.log('retention: clearing the database log failed', error);
    }
  }

  return {
    /** One run now; a run already going is joined rather than doubled. */
    run(opts: SweepOptions = {}): Promise<SweepCounts> {
      running ??= alone(deps.db, SWEEP_LOCK, () => sweep(opts))
        .then((counts) => counts ?? { appointments: 0, documents: 0, mails: 0, feedbackComments: 0, failed: 0 })
        .finally(() => (running = undefined));
      return running;
    },
    /** Resolves when no run is going (stopping the app waits for it before closing the database). */
    idle: () => (running ?? Promise.resolve()).then(() => undefined, () => undefined),
    /** After an erasure on request: the same clean-up of the log, now. */
    compact,
  };
}

export type RetentionSweep = ReturnType<typeof retentionSweep>;

/**
 * Runs `work` unless another instance of this database runs it now; then resolves undefined at once.
 * On PostgreSQL a session-level advisory lock on a connection of its own (a transaction-level lock
 * would need the whole run in one transaction), released by the end of the run or by the connection
 * closing when the instance dies. The key includes the schema: several schemas may share a database
 * (the tests'), and they must not keep each other from their sweeps. SQLite: `work` runs.
 */
async function alone<T>(db: Db, name: string, work: () => Promise<T>): Promise<T | undefined> {
  if (!db.pool) return work();
  const client = await db.pool.connect();
  let broken = false;
  const lock = async (fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock') => {
    try {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}(hashtext(current_schema() || ':' || $1)) AS ok`, [name]);
      return rows[0]?.ok === true;
    } catch (error) {
      broken = true; // the connection is closed with its lock, not handed back to the pool
      throw error;
    }
  };
  try {
    if (!(await lock('pg_try_advisory_lock'))) return undefined;
    try {
      return await work();
    } finally {
      await lock('pg_advisory_unlock');
    }
  } finally {
    client.release(broken);
  }
}
