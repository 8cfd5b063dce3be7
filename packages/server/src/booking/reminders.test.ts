import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';

// Tuesday 30 March 2027, 09:00 in Brussels: reminders are due a day and an hour before.
const slot = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null } as const;
const DAY_BEFORE = '2027-03-29T07:00:00.000Z';
const HOUR_BEFORE = '2027-03-30T06:00:00.000Z';
const SUBJECT = 'Herinnering: Mantelzorgpremie op dinsdag 30 maart 2027 om 09:00';
const companion = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };

/** Reminder mails in the outbox, per recipient. */
const remindersSent = async (server: TestServer) => {
  const count: Record<string, number> = {};
  for (const mail of await sentMails(server)) if (mail.subject.startsWith('Herinnering')) count[mail.to] = (count[mail.to] ?? 0) + 1;
  return count;
};
const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

describe('reminders', () => {
  const servers: TestServer[] = [];
  const start = async (opts: Parameters<typeof startTestServer>[0] = {}) => {
    const server = await startTestServer(opts);
    servers.push(server);
    return server;
  };
  // Servers that share a data directory are stopped first, then every directory is removed.
  after(async () => {
    for (const server of servers) await server.stop();
    for (const server of servers) await server.cleanup();
  });

  describe('when the server restarts between the two reminders', () => {
    it('then each reminder reaches each recipient exactly once', async () => {
      const clock = testClock('2027-03-20T09:00:00Z');
      const first = await start({ clock });
      const { token } = await book(first, slot, { companion });
      const due = await first.app.db.q.selectFrom('reminders').select(['offset_min', 'due_at']).orderBy('due_at').execute();
      assert.deepEqual(due, [
        { offset_min: 1440, due_at: DAY_BEFORE },
        { offset_min: 60, due_at: HOUR_BEFORE },
      ]);

      await first.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(first), {}, 'nothing is due yet');

      clock.set(plusMinutes(DAY_BEFORE, 5));
      await first.app.booking.sendDueReminders();
      await first.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(first), { 'marie@example.org': 1, 'jan@example.org': 1 });
      const reminder = (await sentMails(first)).find((m) => m.subject === SUBJECT && m.to === 'marie@example.org');
      assert.ok(reminder, 'the subject says what and when, in Dutch and Brussels time');
      assert.equal(linkToken(reminder.text), token, 'the reminder carries the personal link');

      await first.stop();
      // A new process on the same data: its start-up tick must not send the day-before reminder again.
      const second = await start({ clock, dataDir: first.dataDir });
      await second.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(second), { 'marie@example.org': 1, 'jan@example.org': 1 });

      clock.set(plusMinutes(HOUR_BEFORE, 1));
      await second.app.booking.sendDueReminders();
      await second.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(second), { 'marie@example.org': 2, 'jan@example.org': 2 });

      await second.stop();
      const third = await start({ clock, dataDir: first.dataDir });
      await third.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(third), { 'marie@example.org': 2, 'jan@example.org': 2 });
      assert.equal((await api(third.url, '/api/appointment', { token })).status, 200, 'the link survives restarts');
    });
  });

  describe('when the timer runs on its own', () => {
    it('then a due reminder is sent once, however many ticks pass', async () => {
      const clock = testClock('2027-03-20T09:00:00Z');
      const server = await start({ clock, env: { REMINDER_INTERVAL_MS: '50' } });
      await book(server, slot);
      clock.set(plusMinutes(DAY_BEFORE, 1));
      for (let waited = 0; !(await remindersSent(server))['marie@example.org'] && waited < 3000; waited += 50) await sleep(50);
      await sleep(300); // several more ticks
      assert.deepEqual(await remindersSent(server), { 'marie@example.org': 1 });
    });
  });

  describe('when the appointment is booked less than a day ahead', () => {
    it('then only the hour-before reminder is planned and sent', async () => {
      const clock = testClock('2027-03-29T12:00:00Z');
      const server = await start({ clock });
      const { id } = await book(server, slot);
      const planned = await server.app.db.q.selectFrom('reminders').select('offset_min').where('appointment_id', '=', id).execute();
      assert.deepEqual(
        planned.map((row) => row.offset_min),
        [60],
      );
      clock.set(plusMinutes(HOUR_BEFORE, 1));
      await server.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(server), { 'marie@example.org': 1 });
    });
  });

  describe('when the appointment was cancelled', () => {
    it('then no reminder is sent', async () => {
      const clock = testClock('2027-03-20T09:00:00Z');
      const server = await start({ clock });
      const { token, id } = await book(server, slot);
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token })).status, 200);
      assert.deepEqual(await server.app.db.q.selectFrom('reminders').select('id').where('appointment_id', '=', id).execute(), []);
      clock.set(plusMinutes(HOUR_BEFORE, 1));
      await server.app.booking.sendDueReminders();
      assert.deepEqual(await remindersSent(server), {});
    });
  });
});
