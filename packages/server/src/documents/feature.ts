import { FileStore } from '@tus/file-store';
import pg from 'pg';
import { postgresLocker } from './postgres-locker.ts';
import type Koa from 'koa';
import type { Context } from 'koa';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordAccess } from '../access-log/service.ts';
import type { BookingService } from '../booking/service.ts';
import { bookingStore } from '../booking/store.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { documentRoutes, staffDocumentRoutes } from './routes.ts';
import { clamavScanner, type Scanner } from './scanner.ts';
import { documentsService, type DocumentsPolicy } from './service.ts';
import { documentsStore } from './store.ts';
import { tusEndpoint } from './tus-endpoint.ts';

const HOUR = 3_600_000;

export interface DocumentsFeatureDeps {
  config: Config;
  db: Db;
  catalog: CatalogStore;
  booking: BookingService;
  events: EventBus;
  log: (message: string, error?: unknown) => void;
  /** Defaults: unfinished uploads expire after 24 h; the jobs run every 10 minutes. */
  policy?: Partial<Pick<DocumentsPolicy, 'unfinishedExpiryMs'> & { sweepIntervalMs: number }>;
  /** Replaces the ClamAV client (tests). */
  scanner?: Scanner;
  /** The access log: staff downloads are reads of a citizen's data. */
  recordAccess: RecordAccess;
}

/** Uploads that can be written at the same moment on one instance, each holding a lock connection. */
const UPLOAD_LOCK_CONNECTIONS = 50;

/**
 * Documents of an appointment: the tus upload endpoint, the documents API for link holders and staff,
 * and the jobs (expired unfinished uploads, retention). `uploads(staffAuth)` goes before the body
 * parser, `mount` after the staff gate, `start`/`stop` with the app. Files live under UPLOAD_DIR (default DATA_DIR/documents).
 */
export function documentsFeature(deps: DocumentsFeatureDeps) {
  const { config } = deps;
  const datastore = new FileStore({ directory: config.uploadDir });
  // Several instances share UPLOAD_DIR: on PostgreSQL, an upload is locked across all of them (with
  // connections of its own: a PATCH holds its lock for as long as its bytes flow).
  const lockPool = config.databaseUrl ? new pg.Pool({ connectionString: config.databaseUrl, max: UPLOAD_LOCK_CONNECTIONS }) : undefined;
  lockPool?.on('error', () => {});
  const locker = lockPool && postgresLocker(lockPool, deps.log, { schema: config.databaseSchema });
  const appointments = bookingStore(deps.db);
  const documents = documentsService({
    store: documentsStore(deps.db),
    files: {
      path: (id) => join(datastore.directory, id),
      remove: (id) => datastore.remove(id),
      freeBytes: async () => {
        const disk = await statfs(datastore.directory);
        return disk.bavail * disk.bsize;
      },
      // tus reports the file's length as its offset: with the announced size kept, a HEAD would call
      // the stripped upload unfinished and invite a PATCH to append to checked bytes.
      resized: (id, size) => datastore.declareUploadLength(id, size),
    },
    appointment: async (id) => appointments.get(id),
    service: (id) => deps.catalog.getService(id),
    scanner: deps.scanner ?? (config.clamav ? clamavScanner(config.clamav) : undefined),
    events: deps.events,
    policy: {
      unfinishedExpiryMs: deps.policy?.unfinishedExpiryMs ?? 24 * HOUR,
      maxUploadBytes: config.maxUploadBytes,
      maxAppointmentBytes: config.maxAppointmentBytes,
      maxStoredBytes: config.maxStoredBytes,
      minFreeDiskBytes: config.minFreeDiskBytes,
      retentionDays: config.retentionDays,
    },
    now: config.now,
    log: deps.log,
  });
  const routers = [documentRoutes(deps.booking, documents), staffDocumentRoutes(documents, deps.recordAccess)];
  const sweepIntervalMs = deps.policy?.sweepIntervalMs ?? HOUR / 6;
  let timer: NodeJS.Timeout | undefined;

  /** An unfinished row whose file has all its bytes: the process died before the checks ran. */
  const isComplete = async (id: string, size: number) => {
    const upload = await datastore.getUpload(id).catch(() => undefined);
    return upload !== undefined && upload.offset === size;
  };
  const sweep = (recover = false) =>
    documents.sweep(recover ? { recover: isComplete } : {}).catch((error: unknown) => deps.log('documents sweep failed', error));

  return {
    documents,
    /** The tus endpoint; `staff` is the staff gate's authenticator. */
    uploads: (staff: (ctx: Context) => Promise<{ account: StaffAccount } | undefined>) =>
      tusEndpoint({
        datastore,
        documents,
        booking: deps.booking,
        staff,
        allowedOrigins: config.allowedOrigins,
        maxUploadBytes: config.maxUploadBytes,
        locker,
        log: deps.log,
      }).middleware,
    mount(app: Koa) {
      for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
    },
    /** Runs the jobs once now (a restart catches up on what fell due while down), then on a timer. */
    async start() {
      await locker?.start();
      await sweep(true);
      timer = setInterval(() => void sweep(), sweepIntervalMs);
      timer.unref();
    },
    /** The expiry and retention jobs, now (tests). */
    sweep: () => sweep(),
    async stop() {
      clearInterval(timer);
      await locker?.close();
      await lockPool?.end();
    },
  };
}
