import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type pg from 'pg';
import type { Log } from '../log.ts';

/** Where a waiting request asks the holder, on whichever instance, to let go of an upload (per schema). */
const releaseChannel = (schema: string) => `balie_tus_release_${schema}`;
const RETRY_MS = 50;

/**
 * tus's `Locker` across instances, on PostgreSQL advisory locks: two instances behind the load
 * balancer never write the same upload, and a resumed upload may land on any of them. Like tus's
 * MemoryLocker, a request that finds the upload locked asks the holder to release it (the holder's
 * PATCH is usually a dead connection the client already gave up on), here by NOTIFY to every
 * instance, and tries again until it gets the lock or its time is up.
 *
 * A lock is a session-level advisory lock on a connection held for the request, so it goes with the
 * connection when an instance dies: the next instance can take over at once.
 */
export function postgresLocker(pool: pg.Pool, log: Log, options: { schema?: string; acquireLockTimeoutMs?: number } = {}) {
  const RELEASE_CHANNEL = releaseChannel(options.schema ?? 'public');
  const timeoutMs = options.acquireLockTimeoutMs ?? 30_000;
  /** This instance's holders: asked to release when a request elsewhere wants their upload. */
  const holders = new Map<string, RequestRelease>();
  let listener: pg.PoolClient | undefined;
  let closed = false;

  const listen = async () => {
    if (closed) return;
    try {
      const client = await pool.connect();
      listener = client;
      client.on('notification', (message) => {
        const release = message.payload ? holders.get(message.payload) : undefined;
        if (release) void Promise.resolve(release()).catch(() => {});
      });
      client.on('error', () => {
        listener = undefined;
        client.release(true);
        if (!closed) setTimeout(() => void listen(), 1_000).unref();
      });
      await client.query(`LISTEN ${RELEASE_CHANNEL}`);
    } catch (error) {
      log('upload locks: cannot listen', error);
      if (!closed) setTimeout(() => void listen(), 1_000).unref();
    }
  };

  const locker: Locker & { start(): Promise<void>; close(): Promise<void> } = {
    start: listen,
    async close() {
      closed = true;
      listener?.release();
      listener = undefined;
    },
    newLock(id: string): Lock {
      let held: pg.PoolClient | undefined;
      return {
        async lock(stopSignal: AbortSignal, requestRelease: RequestRelease) {
          const deadline = Date.now() + timeoutMs;
          const client = await pool.connect();
          let asked = false;
          try {
            for (;;) {
              const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`tus:${id}`]);
              if (rows[0]?.locked) {
                held = client;
                holders.set(id, requestRelease);
                return;
              }
              if (!asked) {
                asked = true;
                await pool.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, id]);
              }
              if (stopSignal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
              await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
            }
          } finally {
            if (!held) client.release();
          }
        },
        async unlock() {
          const client = held;
          if (!client) throw new Error('Releasing an unlocked lock!');
          held = undefined;
          if (holders.get(id)) holders.delete(id);
          try {
            await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`tus:${id}`]);
            client.release();
          } catch (error) {
            // A connection that cannot unlock is thrown away: closing it drops its locks.
            client.release(error as Error);
          }
        },
      };
    },
  };
  return locker;
}
