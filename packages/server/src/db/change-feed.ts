import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DomainEvents, EventBus } from '../events.ts';
import type { Log } from '../log.ts';
import type { Db } from './database.ts';

/**
 * The notification channels every instance listens on. NOTIFY is database-wide: the schema is in the
 * name, so deployments (or test servers) in other schemas of the same database never hear each other.
 */
const channelsOf = (schema: string) => ({ events: `balie_events_${schema}`, data: `balie_data_${schema}` });
/** How often a changed write count is told to the other instances (their slot caches compare it). */
const DATA_NOTICE_MS = 50;
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; our events are a few hundred. */
const MAX_PAYLOAD = 7_900;

const remote = new WeakSet<object>();

/**
 * True for an event another instance emitted and the change feed repeated here. Listeners that
 * must act once in the whole cluster (webhooks: one delivery per event) skip these; listeners that
 * serve the people connected to this instance (the live agenda, the meeting rooms) take both.
 */
export const isRemoteEvent = (payload: object) => remote.has(payload);

/**
 * Carries domain events and data changes between instances over PostgreSQL's LISTEN/NOTIFY: an
 * engine the deployment has already, no new component. Each instance emits its own events locally
 * as before and NOTIFYs them; the others emit them on their bus, marked remote. A NOTIFY sent in no
 * transaction is delivered at once; delivery is in order per sender, and lost only with the
 * listening connection, which reconnects (events during that gap are missed, as with a restart).
 * On SQLite (one process) this does nothing.
 */
export function changeFeed(db: Db, events: EventBus, log: Log, schema = 'public') {
  const origin = randomUUID();
  const { events: EVENTS_CHANNEL, data: DATA_CHANNEL } = channelsOf(schema);
  let listener: pg.PoolClient | undefined;
  let dataTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const originalEmit = events.emit.bind(events);

  const notify = (channel: string, payload: string) => {
    if (!db.pool || stopped) return;
    db.notify(channel, payload).catch((error) => log('change feed: notify failed', error));
  };

  const connect = async (): Promise<void> => {
    if (!db.pool || stopped) return;
    try {
      const client = await db.pool.connect();
      listener = client;
      client.on('notification', (message) => {
        if (!message.payload) return;
        try {
          const { origin: from, name, payload } = JSON.parse(message.payload) as { origin: string; name?: keyof DomainEvents; payload?: object };
          if (from === origin) return;
          db.noteExternalChange();
          if (message.channel === EVENTS_CHANNEL && name && payload) {
            remote.add(payload);
            originalEmit(name, payload as never);
          }
        } catch (error) {
          log('change feed: bad notification', error);
        }
      });
      client.on('error', (error) => {
        log('change feed: connection lost', error);
        listener = undefined;
        client.release(true);
        if (!stopped) setTimeout(() => void connect(), 1_000).unref();
      });
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${DATA_CHANNEL}`);
    } catch (error) {
      log('change feed: cannot listen', error);
      if (!stopped) setTimeout(() => void connect(), 1_000).unref();
    }
  };

  return {
    async start() {
      if (db.dialect !== 'postgres') return;
      events.emit = ((name: keyof DomainEvents, ...args: unknown[]) => {
        const payload = args[0] as object | undefined;
        const delivered = (originalEmit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
        if (payload && !remote.has(payload)) {
          const text = JSON.stringify({ origin, name, payload });
          // Told to the others once the change is committed (and never after a rollback), like the
          // local listeners: an instance that hears it must find the data. Inside a transaction the
          // NOTIFY rides on the COMMIT's round trip (see Db.notify).
          if (text.length <= MAX_PAYLOAD) notify(EVENTS_CHANNEL, text);
          else log('change feed: event too large to share', new Error(String(name)));
        }
        return delivered;
      }) as EventBus['emit'];
      await connect();
      let told = db.localWrites();
      dataTimer = setInterval(() => {
        const now = db.localWrites();
        if (now === told) return;
        told = now;
        notify(DATA_CHANNEL, JSON.stringify({ origin }));
      }, DATA_NOTICE_MS);
      dataTimer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(dataTimer);
      events.emit = originalEmit as EventBus['emit'];
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN *`).catch(() => {});
        client.release();
      }
    },
  };
}
