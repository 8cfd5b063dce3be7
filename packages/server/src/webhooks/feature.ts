import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { isRemoteEvent } from '../db/change-feed.ts';
import type { Db } from '../db/database.ts';
import type { DomainEvents, EventBus } from '../events.ts';
import type { Log } from '../log.ts';
import { webhookOutbox } from './outbox.ts';
import { webhookStore } from './store.ts';

/** The body of every webhook. `data` holds ids, times and codes only (see AppointmentFacts). */
export interface WebhookEvent {
  id: string;
  type: keyof DomainEvents;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Ids, codes and counts; at most a small map of codes (the device test's parts). */
type Extra = Record<string, string | number | Record<string, string>>;

/**
 * Which domain events leave as webhooks, and what each adds to the appointment's facts. Every domain
 * event must be listed: a new one fails the type-check until someone decides (null: not a webhook).
 */
const webhookOf = {
  'appointment.booked': () => ({}),
  'appointment.cancelled': (e) => ({ cancelledBy: e.by }),
  'appointment.rescheduled': () => ({}),
  'appointment.companions-changed': () => ({}),
  // The new channel is in the facts (`channel: 'phone'`).
  'appointment.channel-changed': () => ({}),
  'appointment.device-fallback': (e) => ({ fallback: e.fallback }),
  'appointment.updated': (e) => ({ change: e.change }),
  // Presence in the waiting room changes by the second; back offices act on admission and the end.
  'meeting.waiting': null,
  'meeting.admitted': (e) => ({ admitted: e.peerIds.length }),
  'meeting.started': () => ({}),
  'meeting.ended': () => ({}),
  'meeting.device-checked': (e) => ({ result: e.result, ...(e.parts ? { parts: e.parts } : {}) }),
  'feedback.submitted': (e) => ({ score: e.score }),
  // Case management files what arrived; the content itself stays behind the access-checked download.
  'document.added': (e) => ({ documentId: e.documentId, uploadedBy: e.uploadedBy }),
  'document.deleted': (e) => ({ documentId: e.documentId }),
} satisfies { [K in keyof DomainEvents]: ((...args: DomainEvents[K]) => Extra) | null };

/**
 * Server webhooks (README, "Webhooks"): each domain event listed above becomes a row in the database's
 * outbox as it happens, and the outbox POSTs it, signed, until the receiver answers 2xx.
 * Does nothing unless WEBHOOK_URL (and with it WEBHOOK_SECRET) is configured.
 */
export function webhooksFeature(deps: { config: Config; db: Db; events: EventBus; log: Log }) {
  const { config, log } = deps;
  if (!config.webhookUrl || !config.webhookSecret) return { start() {}, idle: async () => {}, stop: async () => {} };
  const store = webhookStore(deps.db);
  const outbox = webhookOutbox({
    store,
    url: config.webhookUrl,
    secret: config.webhookSecret,
    log,
    retryBaseMs: config.webhookRetryBaseMs,
    retentionDays: config.retentionDays,
  });

  const record = async (type: keyof DomainEvents, e: { appointmentId: string; staffId: string }, extra: Extra) => {
    const facts = (await store.appointmentFacts(e.appointmentId)) ?? { appointmentId: e.appointmentId, staffId: e.staffId };
    const event: WebhookEvent = { id: randomUUID(), type, createdAt: config.now().toISOString(), data: { ...facts, ...extra } };
    await store.enqueue({ id: event.id, type, payload: JSON.stringify(event), createdAt: event.createdAt }, Date.now());
    outbox.kick();
  };
  /** Rows being queued; stopping waits for them, so none is cut off by the database closing. */
  const queuing = new Set<Promise<void>>();

  for (const [type, extraOf] of Object.entries(webhookOf)) {
    if (!extraOf) continue;
    deps.events.on(type as keyof DomainEvents, (e: { appointmentId: string; staffId: string }) => {
      // One delivery per event in the whole cluster: the instance where it happened queues it.
      if (isRemoteEvent(e)) return;
      // A failing webhook must never fail the booking that emitted the event. Emitters emit after
      // their transaction committed: the facts read here are the committed ones.
      const queued = Promise.resolve()
        .then(() => record(type as keyof DomainEvents, e, (extraOf as (e: unknown) => Extra)(e)))
        .catch((error: unknown) => log(`webhook ${type} could not be queued`, error))
        .finally(() => queuing.delete(queued));
      queuing.add(queued);
    });
  }

  return {
    start: () => outbox.start(),
    /** Resolves when every event emitted so far is in the outbox (tests). */
    idle: async () => {
      await Promise.all(queuing);
    },
    async stop() {
      await Promise.all(queuing);
      await outbox.stop();
    },
  };
}
