import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/database.ts';

/** A mail waiting in the outbox table: what to send, to whom, and about which appointment. */
export interface QueuedMail<Payload> {
  id: number;
  appointmentId: string;
  kind: string;
  payload: Payload;
  attempts: number;
}

/** After this many failed attempts a mail is given up (kept, with its last error, for an operator). */
export const MAIL_ATTEMPTS = 8;
const RETRY_BASE_MS = 30_000;
/**
 * How long a claimed mail belongs to the instance that claimed it. Should that instance die before
 * the mail is out (or back with a retry time), another one takes it up after this; it is longer than
 * a send takes, so a slow mail server does not have a mail sent twice.
 */
export const MAIL_LEASE_MS = 5 * 60_000;
const BATCH = 50;
/** Mails rendered in one turn of the event loop; their file or SMTP writes overlap. */
const PER_TURN = 8;

/**
 * The mail outbox: a row is written in the same transaction as the change it tells about (a
 * booking, a cancellation), so a crash never loses a confirmation and a slow mail server never
 * holds up the citizen's answer. A worker renders and sends queued rows in the background, deletes a
 * row once its mail is out, and retries a failed one later with a growing delay. Several instances may
 * run it on one database: each row is claimed by one of them for a lease (MAIL_LEASE_MS), so a mail
 * goes out once. Sending is at least once only across a crash: an instance that dies between sending
 * and deleting leaves the row to another after the lease, which sends under the same idempotency key.
 */
export function mailOutbox<Payload>(db: Db, opts: { now: () => Date; send: (mail: QueuedMail<Payload>) => Promise<void>; log: (message: string, error?: unknown) => void }) {
  const s = {
    insert: (appointmentId: string, kind: string, payload: string, createdAt: string) =>
      db.q
        .insertInto('mail_outbox')
        .values({ appointment_id: appointmentId, kind, payload, created_at: createdAt, next_attempt_at: 0 })
        .execute(),
    /**
     * Takes up to `limit` due rows for this instance: their next attempt moves to `leaseUntil` in the
     * same statement, so no other instance sees them as due while this one sends. On PostgreSQL, rows
     * another instance is claiming this moment are skipped rather than waited for; SQLite runs one
     * writer at a time, so there the statement alone is atomic.
     */
    claim: async (now: number, leaseUntil: number, limit: number) => {
      const due = db.q
        .selectFrom('mail_outbox')
        .select('id')
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(limit)
        .$if(db.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
      const rows = await db.q
        .updateTable('mail_outbox')
        .set({ next_attempt_at: leaseUntil })
        .where('id', 'in', due)
        .returning(['id', 'appointment_id as appointmentId', 'kind', 'payload', 'attempts'])
        .execute();
      return rows.sort((a, b) => a.id - b.id);
    },
    sent: (id: number) => db.q.deleteFrom('mail_outbox').where('id', '=', id).execute(),
    failed: (id: number, nextAttemptAt: number, lastError: string, failedAt: string | null) =>
      db.q
        .updateTable('mail_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, last_error: lastError, failed_at: failedAt }))
        .where('id', '=', id)
        .execute(),
  };
  let running: Promise<void> | undefined;
  let again = false;

  async function sendOne(mail: QueuedMail<Payload>) {
    try {
      await opts.send(mail);
      await s.sent(mail.id);
    } catch (error) {
      opts.log(`mail ${mail.kind} for appointment ${mail.appointmentId} failed`, error);
      const attempts = mail.attempts + 1;
      const now = opts.now();
      await s.failed(
        mail.id,
        now.getTime() + RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 10),
        error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500),
        attempts >= MAIL_ATTEMPTS ? now.toISOString() : null,
      );
    }
  }

  /**
   * SQLite is one process: a lease found at its first pass was taken by this server before it died
   * (a crash mid-send), and nobody else will finish it; its mails go out now rather than after the
   * lease. A row never tried (attempts 0) has a future next attempt only as a lease. On PostgreSQL
   * another instance may hold it: there the lease runs out.
   */
  let recovered = db.dialect !== 'sqlite';
  async function recoverOwnLeases() {
    recovered = true;
    const now = opts.now().getTime();
    await db.q.updateTable('mail_outbox').set({ next_attempt_at: now }).where('failed_at', 'is', null).where('attempts', '=', 0).where('next_attempt_at', '>', now).execute();
  }

  /** One pass over everything due, in batches; a few mails of a batch go out side by side. */
  async function drain() {
    if (!recovered) await recoverOwnLeases();
    do {
      again = false;
      // A claimed row is not due again until its lease ends, and a failed one waits for its retry
      // time: the pass ends when nothing due is left unclaimed.
      for (;;) {
        const now = opts.now().getTime();
        const rows = await s.claim(now, now + MAIL_LEASE_MS, BATCH);
        if (!rows.length) break;
        // A few mails per turn of the event loop, each turn after the requests that are waiting:
        // rendering (.ics, MIME) runs on the thread that answers citizens, and they come first.
        for (let i = 0; i < rows.length; i += PER_TURN) {
          await nextTurn();
          await Promise.all(rows.slice(i, i + PER_TURN).map((row) => sendOne({ ...row, payload: JSON.parse(row.payload) as Payload })));
        }
      }
    } while (again);
  }

  return {
    /** Queues a mail; call inside the transaction that makes the change, then `kick()` after it. */
    async enqueue(appointmentId: string, kind: string, payload: Payload): Promise<void> {
      await s.insert(appointmentId, kind, JSON.stringify(payload), opts.now().toISOString());
    },
    /** Starts sending what is due (or makes the running pass look again); resolves when the pass ends. */
    kick(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = Promise.resolve()
        .then(drain)
        .catch((error) => opts.log('mail outbox failed', error))
        .finally(() => (running = undefined));
      return running;
    },
    /** Resolves when nothing is being sent any more (what is due now has had its attempt). */
    async idle() {
      while (running) await running;
    },
  };
}

export type MailOutbox<Payload> = ReturnType<typeof mailOutbox<Payload>>;
