import Router from '@koa/router';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/database.ts';

/** Longer than this without an answer from the database, and the instance is not healthy. */
const DATABASE_PATIENCE_MS = 2_000;

/**
 * GET /healthz for the load balancer (deploy/haproxy.cfg): 200 only when this instance can reach
 * its database right now and is not shutting down. A stopping instance answers 503 first, so HAProxy
 * sends new requests elsewhere while this one finishes what it has (`drain`).
 */
export function healthRoutes(db: Db, databaseUrl?: string) {
  let draining = false;
  // On PostgreSQL the check has a connection of its own: behind a burst of bookings queued for the
  // pool, a busy instance would look dead. Reconnected after any failure.
  let own: pg.Client | undefined;
  const probe = async () => {
    if (!databaseUrl) return sql`SELECT 1`.execute(db.q);
    try {
      if (!own) {
        const client = new pg.Client({ connectionString: databaseUrl });
        client.on('error', () => {});
        own = client;
        await client.connect();
      }
      return await own.query('SELECT 1');
    } catch (error) {
      const broken = own;
      own = undefined;
      void broken?.end().catch(() => {});
      throw error;
    }
  };
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (draining) {
      ctx.status = 503;
      ctx.body = { status: 'draining' };
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error('database did not answer in time')), DATABASE_PATIENCE_MS);
    });
    try {
      await Promise.race([probe(), timeout]);
      ctx.body = { status: 'ok', database: db.dialect };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', database: db.dialect };
    } finally {
      clearTimeout(timer);
    }
  });
  return {
    router,
    drain() {
      draining = true;
    },
    async close() {
      await own?.end().catch(() => {});
      own = undefined;
    },
  };
}
