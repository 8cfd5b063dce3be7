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

const HOUR = 3_600_000;
/**
 * How long a claimed delivery belongs to the instance that claimed it, at least: past it another
 * instance takes the row up (the first one died). Twice the request timeout when that is longer.
 */
const LEASE_MS = 60_000;

/**
 * Sends the outbox rows one at a time, oldest first, and keeps every row until the receiver answered
 * 2xx. Several instances may run it on one database: each claims one row at a time for a lease, so an
 * event goes out once. Delivery is at least once only across a crash (a crash between the answer and
 * our update re-sends once the lease is over), so receivers deduplicate on the event id. The delivery
 * mechanics run on the wall clock, not on the domain clock (config.now), because they sleep with real
 * timers.
 */
export function webhookOutbox(opts: OutboxOptions) {
  const { store, log } = opts;
  const maxDelayMs = opts.maxDelayMs ?? HOUR;
  const maxAttempts = opts.maxAttempts ?? 32; // about a day with the default 10 s base and 1 h cap
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const leaseMs = Math.max(LEASE_MS, 2 * timeoutMs);
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let scheduling: Promise<void> | undefined;
  let again = false;
  let inFlight: AbortController | undefined;
  let prunedAt = 0;

  /**
   * Exponential backoff with up to 20% jitter, so many failed rows do not all return at once. Whole
   * milliseconds: PostgreSQL's BIGINT column refuses a fraction.
   */
  const backoff = (attempts: number) => Math.round(Math.min(opts.retryBaseMs * 2 ** (attempts - 1), maxDelayMs) * (1 + Math.random() * 0.2));

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
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel();
      if (response.ok) return await store.markDelivered(delivery.id, new Date().toISOString());
      error = `HTTP ${response.status}`;
    } catch (failure) {
      // Stopping aborts the request; the row is given back as it was and goes out after the restart
      // (or from another instance), without waiting for the lease.
      if (stopped) return await store.release(delivery.id, Date.now());
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
    // One row per claim: attempts run one after another, so a claimed batch would outlast its lease.
    while (!stopped) {
      const [delivery] = await store.claim(Date.now(), Date.now() + leaseMs, 1);
      if (!delivery) break;
      if (stopped) return await store.release(delivery.id, Date.now());
      await attempt(delivery);
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
