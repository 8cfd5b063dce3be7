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
const BATCH = 50;
/** Mails rendered in one turn of the event loop; their file or SMTP writes overlap. */
const PER_TURN = 8;

/**
 * The mail outbox: a row is written in the same transaction as the change it tells about (a
 * booking, a cancellation), so a crash never loses a confirmation and a slow mail server never
 * holds up the citizen's answer. A worker renders and sends queued rows in the background, deletes a
 * row once its mail is out, and retries a failed one later with a growing delay. Sending is at least
 * once: a crash between sending and deleting sends again, under the same idempotency key.
 */
export function mailOutbox<Payload>(db: Db, opts: { now: () => Date; send: (mail: QueuedMail<Payload>) => Promise<void>; log: (message: string, error?: unknown) => void }) {
  const s = {
    insert: db.prepare('INSERT INTO mail_outbox (appointment_id, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, 0)'),
    due: db.prepare<[number, number, number], { id: number; appointmentId: string; kind: string; payload: string; attempts: number }>(
      `SELECT id, appointment_id AS appointmentId, kind, payload, attempts FROM mail_outbox
       WHERE failed_at IS NULL AND next_attempt_at <= ? AND id > ? ORDER BY id LIMIT ?`,
    ),
    sent: db.prepare('DELETE FROM mail_outbox WHERE id = ?'),
    failed: db.prepare('UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?'),
  };
  let running: Promise<void> | undefined;
  let again = false;

  async function sendOne(mail: QueuedMail<Payload>) {
    try {
      await opts.send(mail);
      s.sent.run(mail.id);
    } catch (error) {
      opts.log(`mail ${mail.kind} for appointment ${mail.appointmentId} failed`, error);
      const attempts = mail.attempts + 1;
      const now = opts.now();
      s.failed.run(
        now.getTime() + RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 10),
        error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500),
        attempts >= MAIL_ATTEMPTS ? now.toISOString() : null,
        mail.id,
      );
    }
  }

  /** One pass over everything due, in batches; a few mails of a batch go out side by side. */
  async function drain() {
    do {
      again = false;
      // `after` moves forward, so a mail that failed in this pass waits for its retry time.
      let after = 0;
      for (;;) {
        const rows = s.due.all(opts.now().getTime(), after, BATCH);
        if (!rows.length) break;
        after = rows.at(-1)!.id;
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
    enqueue(appointmentId: string, kind: string, payload: Payload) {
      s.insert.run(appointmentId, kind, JSON.stringify(payload), opts.now().toISOString());
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
