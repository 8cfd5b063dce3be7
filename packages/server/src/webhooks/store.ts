import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** One outbox row: an event and where its delivery stands. */
export interface Delivery {
  id: string;
  type: string;
  /** The exact JSON body that is signed and sent, every attempt the same. */
  payload: string;
  attempts: number;
}

/** What a webhook may say about an appointment: ids, times, codes. Never names, e-mail addresses or phone numbers. */
export interface AppointmentFacts {
  appointmentId: string;
  serviceId: string;
  staffId: string;
  channel: string;
  locationId: string | null;
  start: string;
  end: string;
  status: string;
  lang: string;
  followUpOf: string | null;
  /** The staff member who booked it for the citizen (by phone, a follow-up); null when the citizen booked. */
  bookedBy: string | null;
  /** The way forward the citizen chose after a failed device test (issue 11); null when none. */
  deviceFallback: string | null;
  /** The host page's own data given at booking (balie-booking-requested); `{}` when none. */
  metadata: Record<string, string>;
  callStartedAt: string | null;
  callEndedAt: string | null;
}

/**
 * The webhook rows about one appointment: the JSON payload names it in `data.appointmentId`. JSON
 * functions differ between SQLite and PostgreSQL, so a LIKE on the serialized field narrows the rows
 * and the parsed payload decides (SQLite's LIKE ignores case: it only narrows, it never answers).
 */
export async function webhookRowsAbout(db: Db, appointmentId: string) {
  const needle = JSON.stringify({ appointmentId }).slice(1, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db.q
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where(sql<boolean>`payload LIKE ${`%${needle}%`} ESCAPE '\\'`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.filter((row) => (JSON.parse(row.payload) as { data?: { appointmentId?: unknown } }).data?.appointmentId === appointmentId);
}

/** The webhook outbox (migration 4). Times of the delivery mechanics are wall-clock milliseconds. */
export function webhookStore(db: Db) {
  const attempted = (id: string, set: { delivered_at?: string; next_attempt_at?: number; failed_at?: string; last_error: string | null }) =>
    db.q
      .updateTable('webhook_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), ...set }))
      .where('id', '=', id)
      .execute()
      .then(() => undefined);
  const pending = () => db.q.selectFrom('webhook_deliveries').where('delivered_at', 'is', null).where('failed_at', 'is', null);
  return {
    async enqueue(row: { id: string; type: string; payload: string; createdAt: string }, dueAt: number): Promise<void> {
      await db.q
        .insertInto('webhook_deliveries')
        .values({ id: row.id, type: row.type, payload: row.payload, created_at: row.createdAt, next_attempt_at: dueAt })
        .execute();
    },
    /**
     * Takes up to `limit` due deliveries for this instance: their next attempt moves to `leaseUntil`
     * in the same statement, so no other instance sees them as due while this one sends (and should
     * this one die, another takes them up once the lease is over). PostgreSQL skips rows another
     * instance is claiming this moment; SQLite runs one writer at a time.
     */
    async claim(now: number, leaseUntil: number, limit: number): Promise<Delivery[]> {
      const due = pending()
        .select('id')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('created_at')
        .limit(limit)
        .$if(db.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
      const rows = await db.q
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: leaseUntil })
        .where('id', 'in', due)
        .returning(['id', 'type', 'payload', 'attempts', 'created_at as createdAt'])
        .$narrowType<{ id: string }>()
        .execute();
      // RETURNING keeps no order: oldest first, as they were due.
      return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(({ createdAt: _, ...delivery }) => delivery);
    },
    /** Gives a claimed delivery back without counting an attempt (the server stops mid-request). */
    release: async (id: string, dueAt: number): Promise<void> => {
      await db.q.updateTable('webhook_deliveries').set({ next_attempt_at: dueAt }).where('id', '=', id).execute();
    },
    /** When the earliest pending delivery is due, or undefined when none is pending. */
    async nextDueAt(): Promise<number | undefined> {
      const row = await pending()
        .select((eb) => eb.fn.min('next_attempt_at').as('next'))
        .executeTakeFirst();
      return row?.next ?? undefined;
    },
    markDelivered: (id: string, at: string) => attempted(id, { delivered_at: at, last_error: null }),
    markRetry: (id: string, nextAttemptAt: number, error: string) => attempted(id, { next_attempt_at: nextAttemptAt, last_error: error }),
    markFailed: (id: string, at: string, error: string) => attempted(id, { failed_at: at, last_error: error }),
    async pruneDelivered(before: string): Promise<number> {
      const result = await db.q.deleteFrom('webhook_deliveries').where('delivered_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async appointmentFacts(id: string): Promise<AppointmentFacts | undefined> {
      const row = await db.q
        .selectFrom('appointments')
        .select([
          'id as appointmentId',
          'service_id as serviceId',
          'staff_id as staffId',
          'channel',
          'location_id as locationId',
          'start_at as start',
          'end_at as end',
          'status',
          'lang',
          'follow_up_of as followUpOf',
          'booked_by as bookedBy',
          'device_fallback as deviceFallback',
          'metadata',
          'call_started_at as callStartedAt',
          'call_ended_at as callEndedAt',
        ])
        .$narrowType<{ appointmentId: string }>()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ...row, metadata: JSON.parse(row.metadata) as Record<string, string> };
    },
  };
}

export type WebhookStore = ReturnType<typeof webhookStore>;
