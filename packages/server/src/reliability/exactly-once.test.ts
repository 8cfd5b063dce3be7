import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import { book, type TestSlot } from '../../../../test-support/booking.ts';
import { api, startTestServer, testClock, testDatabaseUrl, type TestServer } from '../../../../test-support/server.ts';
import { startSmtpListener } from '../../../../test-support/smtp.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

/**
 * Issue 15: three instances on one database (PostgreSQL with TEST_DATABASE_URL, else one SQLite
 * file) run their reminder ticks, mail outboxes and webhook outboxes at the same time. Each mail
 * and each webhook event must arrive once, however the instances race for the rows.
 */
const N = 20;
const INSTANCES = 3;
const SECRET = 'whsec-test-0123456789abcdef';
// Booked on Saturday 20 March 2027 for the days from Tuesday 30 March; by 10 April every reminder
// (a day and an hour before) is due.
const clock = testClock('2027-03-20T09:00:00Z');
const FROM = '2027-03-30';
const ALL_REMINDERS_DUE = '2027-04-10T09:00:00Z';

const messageId = (mail: ParsedMail) => mail.messageId ?? '';
/** How often each value occurs, for the values that occur more than once. */
function duplicates(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 1));
}

/**
 * Three apps in one test process on one SQLite file: a write of one connection that finds another's
 * transaction open waits in SQLite's busy handler, which sleeps the very thread that the open
 * transaction needs to commit (separate processes, where SQLite's file lock would simply make the
 * writer wait, do not have this). So here the apps' transactions queue for one another, as they
 * would for the file lock; their single statements (the outboxes' claims) race freely.
 */
function oneWriterAtATime(servers: TestServer[]) {
  let queue: Promise<unknown> = Promise.resolve();
  for (const { app } of servers) {
    const transaction = app.db.transaction.bind(app.db);
    app.db.transaction = <T>(work: () => Promise<T>): Promise<T> => {
      if (app.db.inTransaction) return transaction(work);
      const turn = queue.then(() => transaction(work));
      queue = turn.catch(() => undefined);
      return turn;
    };
  }
}

describe('three instances on one database', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const servers: TestServer[] = [];
  const booked: { id: string; email: string; companion?: string }[] = [];

  before(async () => {
    smtp = await startSmtpListener();
    hooks = await startWebhookReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'balie-exactly-once-'));
    for (let i = 0; i < INSTANCES; i++) {
      servers.push(
        await startTestServer({
          clock,
          dataDir, // on PostgreSQL: the same schema, named after the directory
          env: {
            SMTP_URL: smtp.url,
            WEBHOOK_URL: hooks.url,
            WEBHOOK_SECRET: SECRET,
            // The first instance seeds the demo municipality; the others find it.
            SEED_DEMO_DATA: i === 0 ? 'true' : 'false',
          },
        }),
      );
    }
    if (!testDatabaseUrl) oneWriterAtATime(servers);
  });
  after(async () => {
    for (const server of servers) await server.stop();
    for (const server of servers) await server.cleanup();
    await smtp?.close();
    await hooks?.close();
  });

  /** Every instance at once, `rounds` times: reminder tick (which also drains the mail outbox). */
  async function tickAll(rounds: number) {
    for (let round = 0; round < rounds; round++) await Promise.all(servers.map((s) => s.app.booking.sendDueReminders()));
  }
  async function settle() {
    await Promise.all(servers.map((s) => s.app.booking.flush()));
    await Promise.all(servers.map((s) => s.app.webhooks.idle()));
  }

  it('when bookings arrive at all three while every instance ticks, then each confirmation and each webhook event arrives once', async () => {
    const listed = await api(servers[0]!.url, `/api/services/mantelzorgpremie/slots?from=${FROM}&days=10`);
    // Video and counter: a phone appointment needs a phone number.
    const slots = (listed.body.slots as TestSlot[]).filter((slot) => slot.channel !== 'phone').slice(0, N);
    assert.equal(slots.length, N, `${N} slots offered`);
    // Bookings spread over the instances, each instance's outboxes woken by its own, while all
    // three tick as fast as they can: every outbox sees every other's rows as due.
    let booking = true;
    const ticking = (async () => {
      // A pause between rounds: on SQLite a tick with nothing due never leaves the microtask queue.
      for (; booking; await sleep(2)) await tickAll(1);
    })();
    try {
      await Promise.all(
        slots.map(async (slot, i) => {
          const email = `burger-${i}@example.org`;
          const companion = i % 4 === 0 ? `begeleider-${i}@example.org` : undefined;
          const { id } = await book(servers[i % INSTANCES]!, slot, {
            citizen: { name: `Burger ${i}`, email },
            ...(companion ? { companion: { name: `Begeleider ${i}`, email: companion, role: 'carer' } } : {}),
          });
          booked.push({ id, email, ...(companion ? { companion } : {}) });
        }),
      );
    } finally {
      booking = false;
      await ticking;
    }
    await tickAll(3);
    await settle();

    const companions = booked.filter((b) => b.companion).length;
    const mails = await smtp.waitFor((m) => messageId(m).startsWith('<mail-'), N + companions);
    await hooks.waitFor(N, (h) => JSON.parse(h.body).type === 'appointment.booked');
    // Late duplicates would come now: another tick of every instance, and time for a stray POST.
    await tickAll(2);
    await settle();
    await sleep(300);

    const mailIds = smtp.mails.map(messageId).filter((id) => id.startsWith('<mail-'));
    assert.deepEqual(duplicates(mailIds), {}, 'no confirmation or invitation went out twice');
    assert.equal(mailIds.length, N + companions, 'one confirmation per booking and one invitation per companion');
    assert.deepEqual(
      mails.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address).sort(),
      booked.flatMap((b) => [b.email, ...(b.companion ? [b.companion] : [])]).sort(),
      'to each citizen and companion',
    );

    const eventIds = hooks.received.map((h) => String(h.headers['x-balie-event-id']));
    assert.deepEqual(duplicates(eventIds), {}, 'no webhook event was delivered twice');
    const bookedEvents = hooks.received.map((h) => JSON.parse(h.body)).filter((e) => e.type === 'appointment.booked');
    assert.deepEqual(bookedEvents.map((e) => e.data.appointmentId).sort(), booked.map((b) => b.id).sort(), 'one appointment.booked per booking');

    const db = servers[0]!.app.db.q;
    assert.deepEqual(await db.selectFrom('mail_outbox').select(['id', 'kind', 'attempts', 'last_error']).execute(), [], 'no mail left in the outbox');
    assert.deepEqual(
      await db.selectFrom('webhook_deliveries').select(['id', 'attempts', 'last_error']).where('delivered_at', 'is', null).execute(),
      [],
      'no webhook left pending',
    );
    const attempts = await db.selectFrom('webhook_deliveries').select('attempts').execute();
    assert.ok(attempts.length === eventIds.length && attempts.every((row) => row.attempts === 1), 'each delivery took one attempt');
  });

  it('when their reminders fall due and all three tick at once, again and again, then each reminder arrives once', async () => {
    assert.equal(booked.length, N, 'the bookings of the first test');
    clock.set(ALL_REMINDERS_DUE);
    await Promise.all(Array.from({ length: 4 }, () => tickAll(2)));
    await settle();

    // A day and an hour before, to each citizen and each companion.
    const expected = 2 * (booked.length + booked.filter((b) => b.companion).length);
    await smtp.waitFor((m) => messageId(m).startsWith('<reminder-'), expected);
    await tickAll(2);
    await settle();
    await sleep(100);

    const reminders = smtp.mails.filter((m) => messageId(m).startsWith('<reminder-'));
    assert.deepEqual(duplicates(reminders.map(messageId)), {}, 'no reminder went out twice');
    assert.equal(reminders.length, expected, 'two reminders per citizen and companion');
    assert.ok(
      reminders.every((m) => m.subject?.startsWith('Herinnering: Mantelzorgpremie op')),
      'each is a reminder, in Dutch',
    );
    for (const b of booked) {
      for (const offset of [1440, 60]) {
        const about = reminders.filter((m) => messageId(m).startsWith(`<reminder-${b.id}-${offset}-`));
        assert.equal(about.length, b.companion ? 2 : 1, `appointment ${b.id}, ${offset} minutes before`);
      }
    }

    const db = servers[0]!.app.db.q;
    const rows = await db.selectFrom('reminders').select(['sent_at', 'attempts']).execute();
    assert.equal(rows.length, 2 * booked.length);
    assert.ok(
      rows.every((row) => row.sent_at !== null && row.attempts === 1),
      'each reminder marked sent once',
    );
    assert.deepEqual(await db.selectFrom('mail_outbox').select(['id', 'kind', 'attempts', 'last_error']).execute(), [], 'no mail left in the outbox');
  });
});
