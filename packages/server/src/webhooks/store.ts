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

/** The webhook outbox (migration 4). Times of the delivery mechanics are wall-clock milliseconds. */
export function webhookStore(db: Db) {
  const q = {
    insert: db.prepare('INSERT INTO webhook_deliveries (id, type, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)'),
    due: db.prepare(`SELECT id, type, payload, attempts FROM webhook_deliveries
      WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?`),
    nextDue: db.prepare('SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL').pluck(),
    delivered: db.prepare('UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?'),
    retry: db.prepare('UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?'),
    failed: db.prepare('UPDATE webhook_deliveries SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?'),
    prune: db.prepare('DELETE FROM webhook_deliveries WHERE delivered_at < ?'),
    facts: db.prepare(`SELECT id AS appointmentId, service_id AS serviceId, staff_id AS staffId, channel,
      location_id AS locationId, start_at AS start, end_at AS end, status, lang, follow_up_of AS followUpOf, booked_by AS bookedBy, device_fallback AS deviceFallback, metadata,
      call_started_at AS callStartedAt, call_ended_at AS callEndedAt
      FROM appointments WHERE id = ?`),
  };
  return {
    enqueue(row: { id: string; type: string; payload: string; createdAt: string }, dueAt: number) {
      q.insert.run(row.id, row.type, row.payload, row.createdAt, dueAt);
    },
    due: (now: number, limit: number) => q.due.all(now, limit) as Delivery[],
    /** When the earliest pending delivery is due, or undefined when none is pending. */
    nextDueAt: () => (q.nextDue.get() as number | null) ?? undefined,
    markDelivered: (id: string, at: string) => void q.delivered.run(at, id),
    markRetry: (id: string, nextAttemptAt: number, error: string) => void q.retry.run(nextAttemptAt, error, id),
    markFailed: (id: string, at: string, error: string) => void q.failed.run(at, error, id),
    pruneDelivered: (before: string) => q.prune.run(before).changes,
    appointmentFacts(id: string): AppointmentFacts | undefined {
      const row = q.facts.get(id) as (Omit<AppointmentFacts, 'metadata'> & { metadata: string }) | undefined;
      return row && { ...row, metadata: JSON.parse(row.metadata) };
    },
  };
}

export type WebhookStore = ReturnType<typeof webhookStore>;
