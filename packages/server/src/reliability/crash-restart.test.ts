import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChildServer, type ChildServer } from '../../../../test-support/child-server.ts';
import { readOutbox } from '../../../../test-support/outbox.ts';
import { api, bookingBody, freePort, startTestServer, testClock, testDatabaseUrl } from '../../../../test-support/server.ts';
import { unitsFor } from '../booking/slots.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { demoServices } from '../db/seed.ts';
import type { OutboxEntry } from '../mail/mailer.ts';

/**
 * The server runs as a child process on the real clock; the test kills it with SIGKILL in the middle
 * of 100 concurrent bookings, restarts it on the same DATA_DIR, and later kills it again while it
 * sends the reminders of those bookings.
 *
 * Reminders are due a whole number of minutes before an appointment, and appointments start on whole
 * minutes, so a reminder can only fall due on a whole minute. We pick `due`, the first whole minute
 * that leaves time to book, and give the server one offset per booked start time: `start − due`.
 * Each appointment then has exactly one reminder due at `due` (its own start's offset); the offsets of
 * later start times would fall before the booking and are not scheduled, those of earlier start times
 * fall due minutes to weeks later, after this test.
 */
const BOOKINGS = 100;
const KILL_AFTER_ANSWERS = 30;
/** Time the 100 bookings may take before their reminders fall due. */
const BOOKING_LEAD_MS = 6_000;
const REMINDER_SUBJECT = /^Herinnering: /;
const MINUTE = 60_000;

type Choice = { serviceId: string; start: string; channel: string; locationId: string | null };
type Outcome = { choice: Choice; email: string; status: number; token?: string; id?: string };

const intakeFor: Record<string, Record<string, string>> = {
  mantelzorgpremie: { zorgvrager: 'Mijn vader' },
  reistoelating: { bestemming: 'Frankrijk' },
};
const serviceOf = (id: string) => demoServices.find((s) => s.id === id)!;
/** Object.groupBy arrives with Node 21. */
function groupBy<T>(items: T[], key: (item: T) => string): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const item of items) (groups[key(item)] ??= []).push(item);
  return groups;
}

// The child servers run on the embedded SQLite file under DATA_DIR (startChildServer passes no
// DATABASE_URL): what this test kills is that file's writer. On PostgreSQL the database server keeps
// the data, and the in-process seeding server would write to a schema the children never read.
const onPostgres = testDatabaseUrl ? 'about the SQLite file under DATA_DIR surviving SIGKILL; the child servers do not run on PostgreSQL' : false;

describe('reliability: SIGKILL during 100 concurrent bookings, then a restart', { skip: onPostgres }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-crash-'));
  const children: ChildServer[] = [];
  let port: number;
  let env: Record<string, string>;
  let due: number;
  let outcomes: Outcome[];

  const start = async () => {
    const child = await startChildServer({ dataDir, port, env });
    children.push(child);
    return child;
  };
  /** Reads the SQLite file under DATA_DIR the way the server opens it, beside (or after) the child. */
  const withDb = async <T>(read: (db: Db) => Promise<T>): Promise<T> => {
    const db = openDatabase(dataDir);
    await db.ready();
    try {
      return await read(db);
    } finally {
      await db.close();
    }
  };
  const bookedAppointments = () =>
    withDb((db) =>
      db.q
        .selectFrom('appointments')
        .select(['id', 'service_id as serviceId', 'staff_id as staffId', 'start_at as startAt', 'citizen_email as email'])
        .where('status', '=', 'booked')
        .execute(),
    );

  /** The outbox's mails, and the files that are not complete JSON (written when the process died). */
  const outbox = () => {
    const dir = join(dataDir, 'outbox');
    const mails: OutboxEntry[] = [];
    const torn: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      try {
        mails.push(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      } catch {
        torn.push(file);
      }
    }
    return { mails, torn };
  };
  /** Reminder mails written so far; a file being written right now counts (the sending has started). */
  const remindersInOutbox = () => {
    const { mails, torn } = outbox();
    return mails.filter((m) => REMINDER_SUBJECT.test(m.subject)).length + torn.length;
  };

  before(async () => {
    // A first, in-process server seeds the demo data and lists the free slots of the real today.
    const seeding = await startTestServer({ dataDir, clock: testClock(new Date()) });
    const choices: Choice[] = [];
    for (const serviceId of ['mantelzorgpremie', 'reistoelating']) {
      const listing = await api(seeding.url, `/api/services/${serviceId}/slots?days=28`);
      assert.equal(listing.status, 200);
      // Phone slots (the same times as video ones) need a number the booking body does not give.
      for (const slot of listing.body.slots.filter((s: { channel: string }) => s.channel !== 'phone')) choices.push({ serviceId, start: slot.start, channel: slot.channel, locationId: slot.locationId });
    }
    await seeding.stop();
    // Both services, in time order: An serves both, so some choices overlap and must lose with a 409.
    choices.sort((a, b) => a.start.localeCompare(b.start));
    const picked = choices.slice(0, BOOKINGS);
    assert.equal(picked.length, BOOKINGS, 'precondition: enough free slots in the next four weeks');

    port = await freePort();
    // The bookings must be written well before `due`: a start that took too long (a busy machine)
    // is done again with the next minute, before anything is booked.
    let first: ChildServer | undefined;
    while (!first || Date.now() > due - BOOKING_LEAD_MS) {
      if (first) {
        first.kill('SIGKILL');
        await first.exited;
      }
      due = Math.ceil((Date.now() + 2 * BOOKING_LEAD_MS) / MINUTE) * MINUTE;
      const offsets = [...new Set(picked.map((c) => (Date.parse(c.start) - due) / MINUTE))].sort((a, b) => a - b);
      assert.ok(offsets.every((o) => Number.isInteger(o) && o > 0));
      env = { REMINDER_OFFSETS_MINUTES: offsets.join(','), REMINDER_INTERVAL_MS: '50' };
      first = await start();
    }
    let answered = 0;
    outcomes = await Promise.all(
      picked.map(async (choice, i): Promise<Outcome> => {
        const email = `burger${i}@example.org`;
        const body = bookingBody(choice, { serviceId: choice.serviceId, intake: intakeFor[choice.serviceId], citizen: { name: `Burger ${i}`, email } });
        try {
          const response = await api(first.url, '/api/appointments', { body });
          if (++answered === KILL_AFTER_ANSWERS) first.kill('SIGKILL');
          return { choice, email, status: response.status, token: response.body?.token, id: response.body?.appointment?.id };
        } catch {
          return { choice, email, status: 0 }; // the connection died with the server
        }
      }),
    );
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
  });

  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await child.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('then some bookings were answered and some were cut off, and none was answered with a 5xx', () => {
    const byStatus = groupBy(outcomes, (o) => String(o.status));
    assert.ok((byStatus['201']?.length ?? 0) >= 10, `answered 201: ${byStatus['201']?.length}`);
    assert.ok((byStatus['0']?.length ?? 0) >= 10, `cut off: ${byStatus['0']?.length}`);
    assert.deepEqual(Object.keys(byStatus).filter((s) => !['0', '201', '409'].includes(s)), []);
  });

  describe('when the server is started again on the same data', () => {
    let second: ChildServer;
    before(async () => (second = await start()));

    it('then every booking answered 201 is there, opens with its link, and holds exactly its time', async () => {
      const booked = new Map((await bookedAppointments()).map((a) => [a.id, a]));
      const claims = await withDb((db) => db.q.selectFrom('slot_claims').select(['appointment_id as id', 'unit_at as unit']).orderBy('unit_at').execute());
      for (const o of outcomes.filter((o) => o.status === 201)) {
        const row = booked.get(o.id!);
        assert.ok(row, `appointment ${o.id} answered 201 but missing`);
        assert.equal(row.startAt, o.choice.start);
        const view = await api(second.url, '/api/appointment', { token: o.token });
        assert.equal(view.status, 200);
        assert.equal(view.body.start, o.choice.start);
      }
      for (const a of booked.values()) {
        const held = claims.filter((c) => c.id === a.id).map((c) => c.unit);
        assert.deepEqual(held, unitsFor(Date.parse(a.startAt), serviceOf(a.serviceId)), `claims of ${a.id}`);
      }
      assert.deepEqual(claims.filter((c) => !booked.has(c.id)), [], 'no claim without a booked appointment');
    });

    it('then no citizen is booked twice and no staff member has two appointments at once', async () => {
      const booked = await bookedAppointments();
      const emails = booked.map((a) => a.email);
      assert.equal(new Set(emails).size, emails.length);
      const byStaff = groupBy(booked, (a) => a.staffId);
      for (const [staffId, list] of Object.entries(byStaff)) {
        const spans = list
          .map((a) => {
            const units = unitsFor(Date.parse(a.startAt), serviceOf(a.serviceId));
            return { id: a.id, from: Date.parse(units[0]!), to: Date.parse(units.at(-1)!) + 5 * MINUTE };
          })
          .sort((x, y) => x.from - y.from);
        spans.slice(1).forEach((span, i) => assert.ok(spans[i]!.to <= span.from, `${staffId}: ${spans[i]!.id} overlaps ${span.id}`));
      }
    });

    it('then every booked appointment has its reminder rows, and none is sent yet', async () => {
      const rows = await withDb((db) => db.q.selectFrom('reminders').select(['appointment_id as id', 'due_at as dueAt', 'sent_at as sentAt']).execute());
      for (const a of await bookedAppointments()) {
        const dueNow = rows.filter((r) => r.id === a.id && Date.parse(r.dueAt) === due);
        assert.equal(dueNow.length, 1, `the reminder of ${a.id}, due at ${new Date(due).toISOString()}`);
      }
      assert.equal(rows.filter((r) => r.sentAt !== null).length, 0);
    });

    it('then it answers normally: a free slot can be booked and cancelled', async () => {
      assert.equal((await api(second.url, '/api/services')).status, 200);
      const later = await api(second.url, `/api/services/mantelzorgpremie/slots?channel=video&days=28`);
      const free = later.body.slots.at(-1);
      const fresh = await api(second.url, '/api/appointments', { body: bookingBody(free, { citizen: { name: 'Na De Herstart', email: 'herstart@example.org' } }) });
      assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
      // That appointment is not part of the reminder arithmetic above: cancel it again.
      assert.equal((await api(second.url, '/api/appointment', { method: 'DELETE', token: fresh.body.token })).status, 200);
    });

    describe('and it is killed again while it sends the reminders, and restarted', () => {
      before(async () => {
        await sleep(Math.max(0, due - Date.now()));
        const deadline = Date.now() + 10_000;
        while (remindersInOutbox() === 0 && Date.now() < deadline) await sleep(2);
        second.kill('SIGKILL');
        await second.exited;
        const third = await start();
        // Give the restarted server time to send what is still due, then let it stop cleanly.
        const expected = (await bookedAppointments()).length;
        const until = Date.now() + 5_000;
        while (Date.now() < until) {
          if (remindersInOutbox() >= expected) break;
          await sleep(50);
        }
        await sleep(200); // a duplicate, if any, would come right behind
        third.kill('SIGTERM');
        assert.deepEqual(await third.exited, { code: 0, signal: null });
      });

      it('then no mail in the outbox is half-written', () => {
        assert.deepEqual(outbox().torn, []);
        assert.doesNotThrow(() => readOutbox(dataDir));
      });

      it('then every booked appointment got exactly one reminder: none lost, none doubled', async () => {
        const { mails } = outbox();
        const reminders = groupBy(
          mails.filter((m) => REMINDER_SUBJECT.test(m.subject)),
          (m) => m.to,
        );
        const counts = Object.fromEntries((await bookedAppointments()).map((a) => [a.email, reminders[a.email]?.length ?? 0]));
        const wrong = Object.entries(counts).filter(([, n]) => n !== 1);
        assert.deepEqual(wrong, [], `reminders per citizen other than one (of ${Object.keys(counts).length} booked)`);
        assert.deepEqual(Object.keys(reminders).filter((to) => !(to in counts)), [], 'no reminder for an appointment that is not booked');
      });

      it('then no confirmation was sent twice', () => {
        const confirmations = outbox().mails.filter((m) => /^Uw afspraak is bevestigd: /.test(m.subject));
        const to = confirmations.map((m) => m.to);
        assert.equal(new Set(to).size, to.length);
      });
    });
  });
});
