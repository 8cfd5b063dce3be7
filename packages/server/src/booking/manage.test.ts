import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book, claimedUnits, offeredStarts } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { bookingStore, isConflict } from './store.ts';

// Thursday 25 March 2027, 10:00 in Brussels. On Tuesdays only An works the Gemeentehuis counter,
// 13:30–16:30: slots start at 13:30, 14:10, 14:50 and 15:30 (11:30Z, 12:10Z, 12:50Z, 13:30Z).
const NOW = '2027-03-25T09:00:00Z';
const counter = (start: string) => ({ start, channel: 'counter', locationId: 'gemeentehuis' }) as const;
const COUNTER_QUERY = 'channel=counter&location=gemeentehuis&from=2027-03-30&days=1';
const carer = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };

const start = () => startTestServer({ env: { PUBLIC_URL: 'https://balie.wilsede.test' }, clock: testClock(NOW) });
const appointmentRow = (server: TestServer, id: string) =>
  server.app.db.q.selectFrom('appointments').select(['status', 'start_at', 'staff_id', 'cancelled_by']).where('id', '=', id).executeTakeFirstOrThrow();
/** The token a mail to `email` carries in its personal link. */
const mailedToken = async (server: TestServer, email: string, subject: RegExp) => {
  const mail = (await sentMails(server)).findLast((m) => m.to === email && subject.test(m.subject));
  assert.ok(mail, `a mail to ${email} matching ${subject}`);
  return linkToken(mail.text);
};

describe('DELETE /api/appointment', () => {
  let server: TestServer;
  before(async () => (server = await start()));
  after(() => server.cleanup());

  describe('when the citizen cancels', () => {
    it('then the slot is offered again, the claims are gone and the link answers 410', async () => {
      const { token, id } = await book(server, counter('2027-03-30T11:30:00.000Z'));
      assert.ok(!(await offeredStarts(server, COUNTER_QUERY)).includes('2027-03-30T11:30:00.000Z'));

      const response = await api(server.url, '/api/appointment', { method: 'DELETE', token });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: 'cancelled' });

      assert.ok((await offeredStarts(server, COUNTER_QUERY)).includes('2027-03-30T11:30:00.000Z'));
      assert.deepEqual(await claimedUnits(server, id), []);
      assert.deepEqual(await appointmentRow(server, id), { status: 'cancelled', start_at: '2027-03-30T11:30:00.000Z', staff_id: 'an', cancelled_by: 'citizen' });
      assertApiError(await api(server.url, '/api/appointment', { token }), 410, 'appointment_cancelled');
      assertApiError(await api(server.url, '/api/appointment', { method: 'DELETE', token }), 410, 'appointment_cancelled');

      const mail = (await sentMails(server)).find((m) => m.subject === 'Uw afspraak is geannuleerd: Mantelzorgpremie');
      assert.ok(mail);
      assert.equal(mail.to, 'marie@example.org');
      assert.doesNotMatch(mail.text, /balie=/, 'a cancellation carries no link');

      await book(server, counter('2027-03-30T11:30:00.000Z'), { citizen: { name: 'Piet', email: 'piet@example.org' } });
    });
  });

  describe('when the appointment has already started', () => {
    it('then 409 and it stays booked', async (t) => {
      const { token, id } = await book(server, counter('2027-03-30T12:10:00.000Z'));
      t.after(() => server.clock.set(NOW));
      server.clock.set('2027-03-30T12:15:00Z');
      assertApiError(await api(server.url, '/api/appointment', { method: 'DELETE', token }), 409, 'appointment_started');
      assert.equal((await appointmentRow(server, id)).status, 'booked');
      assert.equal((await claimedUnits(server, id)).length, 8);
    });
  });
});

describe('POST /api/appointment/reschedule', () => {
  let server: TestServer;
  before(async () => (server = await start()));
  after(() => server.cleanup());

  const reschedule = (token: string, body: unknown) => api(server.url, '/api/appointment/reschedule', { token, body });

  describe('when the new time is free', () => {
    it('then the appointment moves, the old slot is offered again and the link keeps working', async () => {
      const { token, id } = await book(server, counter('2027-03-30T11:30:00.000Z'));
      const response = await reschedule(token, counter('2027-03-30T12:50:00.000Z'));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.start, '2027-03-30T12:50:00.000Z');
      assert.equal(response.body.end, '2027-03-30T13:20:00.000Z');

      const offered = await offeredStarts(server, COUNTER_QUERY);
      assert.ok(offered.includes('2027-03-30T11:30:00.000Z'), 'the old slot is free');
      assert.ok(!offered.includes('2027-03-30T12:50:00.000Z'), 'the new slot is taken');
      const units = await claimedUnits(server, id);
      assert.equal(units.length, 8);
      assert.equal(units[0], '2027-03-30T12:50:00.000Z');

      const view = await api(server.url, '/api/appointment', { token });
      assert.equal(view.body.start, '2027-03-30T12:50:00.000Z');
      assert.equal(await mailedToken(server, 'marie@example.org', /verplaatst/), token, 'the mail carries the same link');
      const reminders = (
        await server.app.db.q.selectFrom('reminders').select('due_at').where('appointment_id', '=', id).orderBy('due_at').execute()
      ).map((row) => row.due_at);
      assert.deepEqual(reminders, ['2027-03-29T12:50:00.000Z', '2027-03-30T11:50:00.000Z'], 'reminders follow the new time');
    });

    it('then it may move to another channel and another staff member', async () => {
      const { token, id } = await book(server, counter('2027-03-30T13:30:00.000Z'));
      // Wednesday 31 March 13:30 at the Sociaal Huis: Chloé's counter.
      const response = await reschedule(token, { start: '2027-03-31T11:30:00.000Z', channel: 'counter', locationId: 'sociaal-huis' });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.location.id, 'sociaal-huis');
      assert.equal((await appointmentRow(server, id)).staff_id, 'chloe');
      assert.ok((await offeredStarts(server, COUNTER_QUERY)).includes('2027-03-30T13:30:00.000Z'), 'An is free again');
    });
  });

  describe('when the new time is taken', () => {
    it('then 409 slot_taken and the booking is untouched', async () => {
      const a = await book(server, counter('2027-04-06T11:30:00.000Z'));
      const b = await book(server, counter('2027-04-06T12:10:00.000Z'), { citizen: { name: 'Piet', email: 'piet@example.org' } });
      const unitsBefore = await claimedUnits(server, a.id);

      const error = assertApiError(await reschedule(a.token, counter('2027-04-06T12:10:00.000Z')), 409, 'slot_taken');
      assert.ok(Array.isArray(error.details.alternatives));

      assert.equal((await api(server.url, '/api/appointment', { token: a.token })).body.start, '2027-04-06T11:30:00.000Z');
      assert.deepEqual(await claimedUnits(server, a.id), unitsBefore);
      assert.equal((await claimedUnits(server, b.id))[0], '2027-04-06T12:10:00.000Z');
      const offered = await offeredStarts(server, 'channel=counter&location=gemeentehuis&from=2027-04-06&days=1');
      assert.ok(!offered.includes('2027-04-06T11:30:00.000Z') && !offered.includes('2027-04-06T12:10:00.000Z'));
    });

    it('then a move that loses a race at the last moment rolls back as a whole', async () => {
      const a = await book(server, counter('2027-04-06T12:50:00.000Z'));
      const b = await book(server, counter('2027-04-06T13:30:00.000Z'), { citizen: { name: 'Piet', email: 'piet@example.org' } });
      const store = bookingStore(server.app.db);
      const target = { startAt: '2027-04-06T13:30:00.000Z', endAt: '2027-04-06T14:00:00.000Z', staffId: 'an', channel: 'counter', locationId: 'gemeentehuis' } as const;
      const unitsBefore = await claimedUnits(server, a.id);

      await assert.rejects(store.move(a.id, target, await claimedUnits(server, b.id)), isConflict);

      assert.deepEqual(await claimedUnits(server, a.id), unitsBefore, 'the old claims were not released');
      assert.equal((await store.get(a.id))!.startAt, '2027-04-06T12:50:00.000Z');
    });
  });

  describe('when the body is not valid', () => {
    it('then 422 names the field', async () => {
      const { token } = await book(server, counter('2027-04-13T11:30:00.000Z'));
      const error = assertApiError(await reschedule(token, { channel: 'counter' }), 422, 'validation_failed');
      assert.deepEqual(Object.keys(error.fields ?? {}), ['start']);
    });
  });

  describe('when the appointment has already started or was held', () => {
    it('then 409 appointment_started and it stays where it was', async (t) => {
      const started = await book(server, counter('2027-04-20T11:30:00.000Z'));
      const held = await book(server, counter('2027-04-20T12:10:00.000Z'), { citizen: { name: 'Piet', email: 'piet@example.org' } });
      await server.app.db.q.updateTable('appointments').set({ status: 'held' }).where('id', '=', held.id).execute();
      t.after(() => server.clock.set(NOW));
      server.clock.set('2027-04-20T11:35:00Z');
      const target = counter('2027-04-27T11:30:00.000Z');
      for (const { token, id } of [started, held]) {
        const before = await appointmentRow(server, id);
        assertApiError(await reschedule(token, target), 409, 'appointment_started');
        assert.deepEqual(await appointmentRow(server, id), before);
      }
      assert.ok((await offeredStarts(server, 'channel=counter&location=gemeentehuis&from=2027-04-27&days=1')).includes(target.start));
    });
  });

  describe('when the appointment was cancelled', () => {
    it('then 410', async () => {
      const { token } = await book(server, counter('2027-04-13T12:10:00.000Z'));
      await api(server.url, '/api/appointment', { method: 'DELETE', token });
      assertApiError(await reschedule(token, counter('2027-04-13T12:50:00.000Z')), 410, 'appointment_cancelled');
      assert.ok((await offeredStarts(server, 'channel=counter&location=gemeentehuis&from=2027-04-13&days=1')).includes('2027-04-13T12:50:00.000Z'));
    });
  });
});

describe('companions', () => {
  let server: TestServer;
  let citizen: { token: string; id: string };
  let companion: { token: string; id: string };
  before(async () => {
    server = await start();
    citizen = await book(server, counter('2027-03-30T11:30:00.000Z'), { companion: carer });
    const view = await api(server.url, '/api/appointment', { token: citizen.token });
    companion = { token: await mailedToken(server, carer.email, /uitgenodigd/), id: view.body.companions[0].id };
  });
  after(() => server.cleanup());

  const as = (token: string, method: string, path: string, body?: unknown) => api(server.url, path, { method, token, body });

  describe('when a companion opens their link', () => {
    it('then they see the appointment as a companion, with a token of their own', async () => {
      assert.notEqual(companion.token, citizen.token);
      const view = await as(companion.token, 'GET', '/api/appointment');
      assert.equal(view.status, 200);
      assert.equal(view.body.role, 'companion');
      assert.equal(view.body.id, citizen.id);
      assert.deepEqual(view.body.companions, [{ id: companion.id, name: 'Jan Claes', role: 'carer' }]);
    });
  });

  describe('when a companion tries to change the appointment', () => {
    it('then 403 citizen_only and nothing changes', async () => {
      assertApiError(await as(companion.token, 'DELETE', '/api/appointment'), 403, 'citizen_only');
      assertApiError(await as(companion.token, 'POST', '/api/appointment/reschedule', counter('2027-03-30T12:50:00.000Z')), 403, 'citizen_only');
      assertApiError(await as(companion.token, 'POST', '/api/appointment/companions', { ...carer, email: 'x@example.org' }), 403, 'citizen_only');
      assertApiError(await as(companion.token, 'DELETE', `/api/appointment/companions/${companion.id}`), 403, 'citizen_only');
      assert.equal((await appointmentRow(server, citizen.id)).status, 'booked');
      assert.equal((await appointmentRow(server, citizen.id)).start_at, '2027-03-30T11:30:00.000Z');
      assert.equal((await as(citizen.token, 'GET', '/api/appointment')).body.companions.length, 1);
    });
  });

  describe('when the citizen adds a companion', () => {
    it('then 201, the companion gets an invitation with their own link, and a third one is refused', async () => {
      const response = await as(citizen.token, 'POST', '/api/appointment/companions', { name: 'Ayşe Yılmaz', email: 'ayse@example.org', role: 'interpreter' });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.deepEqual(Object.keys(response.body).sort(), ['id', 'name', 'role']);

      const token = await mailedToken(server, 'ayse@example.org', /uitgenodigd/);
      assert.ok(![citizen.token, companion.token].includes(token));
      assert.equal((await as(token, 'GET', '/api/appointment')).body.role, 'companion');
      const names = (await as(citizen.token, 'GET', '/api/appointment')).body.companions.map((c: { name: string }) => c.name);
      assert.deepEqual(names, ['Jan Claes', 'Ayşe Yılmaz']);

      assertApiError(await as(citizen.token, 'POST', '/api/appointment/companions', { ...carer, email: 'derde@example.org' }), 409, 'too_many_companions');
    });

    it('then a companion without a valid e-mail address or role is refused with 422', async () => {
      const error = assertApiError(await as(citizen.token, 'POST', '/api/appointment/companions', { name: 'X', email: 'x', role: 'friend' }), 422, 'validation_failed');
      assert.deepEqual(Object.keys(error.fields ?? {}).sort(), ['email', 'role']);
    });
  });

  describe('when the citizen removes a companion', () => {
    it('then 204, the companion’s link answers 401, and removing again is 404', async () => {
      const response = await as(citizen.token, 'DELETE', `/api/appointment/companions/${companion.id}`);
      assert.equal(response.status, 204);
      assertApiError(await as(companion.token, 'GET', '/api/appointment'), 401, 'invalid_link');
      const names = (await as(citizen.token, 'GET', '/api/appointment')).body.companions.map((c: { name: string }) => c.name);
      assert.deepEqual(names, ['Ayşe Yılmaz']);
      assertApiError(await as(citizen.token, 'DELETE', `/api/appointment/companions/${companion.id}`), 404, 'not_found');
    });

    it('then a companion of someone else’s appointment cannot be removed (404)', async () => {
      const other = await book(server, counter('2027-03-30T12:50:00.000Z'), { companion: { ...carer, email: 'buur@example.org' } });
      const otherCompanion = (await as(other.token, 'GET', '/api/appointment')).body.companions[0];
      assertApiError(await as(citizen.token, 'DELETE', `/api/appointment/companions/${otherCompanion.id}`), 404, 'not_found');
      assert.equal((await as(other.token, 'GET', '/api/appointment')).body.companions.length, 1);
    });
  });

  describe('when the citizen cancels', () => {
    it('then every remaining companion is told, and their links answer 410', async () => {
      const interpreterToken = await mailedToken(server, 'ayse@example.org', /uitgenodigd/);
      assert.equal((await as(citizen.token, 'DELETE', '/api/appointment')).status, 200);
      const cancelled = (await sentMails(server)).filter((m) => m.subject.startsWith('Uw afspraak is geannuleerd'));
      assert.deepEqual(cancelled.map((m) => m.to).sort(), ['ayse@example.org', 'marie@example.org']);
      assertApiError(await as(interpreterToken, 'GET', '/api/appointment'), 410, 'appointment_cancelled');
    });
  });
});
