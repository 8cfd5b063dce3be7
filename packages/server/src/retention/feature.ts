import type { Db } from '../db/database.ts';
import { appointmentEraser, type ErasableFiles } from './erase.ts';
import { retentionStore } from './store.ts';
import { retentionSweep } from './sweep.ts';

/**
 * Retention that deletes: the sweep at start and every `intervalMs`, and the eraser that a
 * citizen's erasure request uses too (one deletion for both). `start`/`stop` with the app.
 */
export function retentionFeature(deps: {
  db: Db;
  files: ErasableFiles;
  retentionDays: number;
  intervalMs: number;
  now: () => Date;
  log: (message: string, error?: unknown) => void;
}) {
  const store = retentionStore(deps.db);
  const eraser = appointmentEraser({ store, files: deps.files, now: deps.now });
  const sweep = retentionSweep({ db: deps.db, store, eraser, retentionDays: deps.retentionDays, now: deps.now, log: deps.log });
  let timer: NodeJS.Timeout | undefined;
  const run = () => sweep.run().catch((error: unknown) => deps.log('retention sweep failed', error));

  return {
    store,
    eraser,
    sweep,
    /** Runs once now (a restart catches up, and finishes a run that died halfway), then on a timer. */
    async start() {
      await run();
      timer = setInterval(() => void run(), deps.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await sweep.idle();
    },
  };
}

export type RetentionFeature = ReturnType<typeof retentionFeature>;
