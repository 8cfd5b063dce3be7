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
  const purge = () => {
    try {
      const removed = service.purge();
      if (removed) deps.log(`access log: ${removed} rows older than ACCESS_LOG_DAYS removed`);
    } catch (error) {
      deps.log('purging the access log failed', error);
    }
  };
  return {
    /** Writes one row; throws when it cannot (then do not serve the read). */
    record: service.record,
    list: service.list,
    mount(app: Koa) {
      app.use(router.routes()).use(router.allowedMethods());
    },
    start() {
      purge();
      timer = setInterval(purge, deps.purgeIntervalMs ?? HOUR);
      timer.unref();
    },
    /** The purge, now (tests). */
    purge: () => service.purge(),
    stop: () => clearInterval(timer),
  };
}

export type AccessLogFeature = ReturnType<typeof accessLogFeature>;
