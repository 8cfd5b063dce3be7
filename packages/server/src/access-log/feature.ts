import type Koa from 'koa';
import type { Db } from '../db/database.ts';
import { accessLogRoutes } from './routes.ts';
import { accessLogService } from './service.ts';
import { accessLogStore } from './store.ts';

const HOUR = 3_600_000;

/**
 * The access log: `record` for the features that read or remove a citizen's data (dossier,
 * documents, export, erasure), the beheerder's route, and its own retention (ACCESS_LOG_DAYS), purged
 * at start and every `purgeIntervalMs`. `mount` after the staff gate.
 */
export function accessLogFeature(deps: {
  db: Db;
  now: () => Date;
  retentionDays: number;
  log: (message: string, error?: unknown) => void;
  purgeIntervalMs?: number;
}) {
  const service = accessLogService({ store: accessLogStore(deps.db), now: deps.now, retentionDays: deps.retentionDays });
  const router = accessLogRoutes(service);
  let timer: NodeJS.Timeout | undefined;
  let purging: Promise<void> | undefined;
  const purge = () =>
    (purging ??= service
      .purge()
      .then((removed) => {
        if (removed) deps.log(`access log: ${removed} rows older than ACCESS_LOG_DAYS removed`);
      })
      .catch((error: unknown) => deps.log('purging the access log failed', error))
      .finally(() => (purging = undefined)));
  return {
    /** Writes one row; rejects when it cannot (then do not serve the read). */
    record: service.record,
    list: service.list,
    mount(app: Koa) {
      app.use(router.routes()).use(router.allowedMethods());
    },
    async start() {
      await purge();
      timer = setInterval(() => void purge(), deps.purgeIntervalMs ?? HOUR);
      timer.unref();
    },
    /** The purge, now (tests). */
    purge: () => service.purge(),
    /** Stops the timer and waits for a purge that is under way (the database closes next). */
    async stop() {
      clearInterval(timer);
      await purging;
    },
  };
}

export type AccessLogFeature = ReturnType<typeof accessLogFeature>;
