import type { Log } from '../log.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import type { Delivery, WebhookStore } from './store.ts';

export interface OutboxOptions {
  store: WebhookStore;
  url: string;
  secret: string;
  log: Log;
  /** First retry after this many ms; each next one waits twice as long, up to `maxDelayMs`. */
  retryBaseMs: number;
  maxDelayMs?: number;
  /** After this many failed attempts the delivery is given up (kept, with `failed_at`, for inspection). */
  maxAttempts?: number;
  timeoutMs?: number;
  /** Delivered and given-up rows are deleted after this many days. */
  retentionDays: number;
}

const BATCH = 20;
const HOUR = 3_600_000;

/**
 * Sends the outbox rows one at a time, oldest first, and keeps every row until the receiver answered
 * 2xx. Delivery is at least once (a crash between the answer and our update re-sends after a restart),
 * so receivers deduplicate on the event id. The delivery mechanics run on the wall clock, not on the
 * domain clock (config.now), because they sleep with real timers.
 */
export function webhookOutbox(opts: OutboxOptions) {
  const { store, log } = opts;
  const maxDelayMs = opts.maxDelayMs ?? HOUR;
  const maxAttempts = opts.maxAttempts ?? 32; // about a day with the default 10 s base and 1 h cap
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let scheduling: Promise<void> | undefined;
  let again = false;
  let inFlight: AbortController | undefined;
  let prunedAt = 0;

  /** Exponential backoff with up to 20% jitter, so many failed rows do not all return at once. */
  const backoff = (attempts: number) => Math.min(opts.retryBaseMs * 2 ** (attempts - 1), maxDelayMs) * (1 + Math.random() * 0.2);

  async function attempt(delivery: Delivery) {
    const attemptNo = delivery.attempts + 1;
    let error: string;
    inFlight = new AbortController();
    try {
      const response = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'DigitaleBalie-Webhooks/1',
          'x-balie-event-id': delivery.id,
          'x-balie-event-type': delivery.type,
          'x-balie-delivery-attempt': String(attemptNo),
          [SIGNATURE_HEADER]: signatureHeader(opts.secret, Math.floor(Date.now() / 1000), delivery.payload),
        },
        body: delivery.payload,
        // A redirect is an answer we do not follow: the configured URL is the one that must say 2xx.
        redirect: 'manual',
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]),
      });
      await response.body?.cancel();
      if (response.ok) return await store.markDelivered(delivery.id, new Date().toISOString());
      error = `HTTP ${response.status}`;
    } catch (failure) {
      // Stopping aborts the request; the row stays as it was and goes out after the restart.
      if (stopped) return;
      error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
    } finally {
      inFlight = undefined;
    }
    if (attemptNo >= maxAttempts) {
      await store.markFailed(delivery.id, new Date().toISOString(), error);
      log(`webhook ${delivery.type} ${delivery.id} given up after ${attemptNo} attempts: ${error}`);
    } else {
      await store.markRetry(delivery.id, Date.now() + backoff(attemptNo), error);
    }
  }

  async function drain() {
    for (let batch = await store.due(Date.now(), BATCH); batch.length && !stopped; batch = await store.due(Date.now(), BATCH)) {
      for (const delivery of batch) {
        if (stopped) return;
        await attempt(delivery);
      }
    }
    if (Date.now() - prunedAt > HOUR) {
      prunedAt = Date.now();
      await store.pruneDelivered(new Date(Date.now() - opts.retentionDays * 86_400_000).toISOString());
    }
  }

  /** Sleeps until the earliest pending row is due (at most an hour, so a long wait never overflows a timer). */
  async function schedule() {
    clearTimeout(timer);
    const next = stopped ? undefined : await store.nextDueAt();
    // A kick or a stop while the query ran decides anew.
    if (next === undefined || stopped || running) return;
    clearTimeout(timer);
    timer = setTimeout(kick, Math.min(Math.max(next - Date.now(), 0), HOUR));
    timer.unref();
  }

  /** Starts a round now; a kick during a round makes it look again before it sleeps. */
  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await drain();
      } while (again && !stopped);
    })()
      .catch((error) => log('webhook delivery round failed', error))
      .finally(() => {
        running = undefined;
        scheduling = schedule().catch((error: unknown) => log('webhook delivery could not be scheduled', error));
      });
  }

  return {
    kick,
    /** Picks up whatever a previous run left pending. */
    start() {
      stopped = false;
      kick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      await running;
      await scheduling;
    },
  };
}
