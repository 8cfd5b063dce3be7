import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { openEventStream, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

// Monday 1 March 2027, 07:00 in Brussels: the first mantelzorgpremie video slot is 09:00 with An.
const MONDAY = '2027-03-01T06:00:00Z';

describe('GET /api/staff/agenda', () => {
  let server: TestServer;
  let an: StaffClient;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    an = await signIn(server);
  });
  after(() => server.cleanup());

  it('when a citizen books, then the agenda shows service, time, channel, first name, companions, intake and readiness', async () => {
    const slot = await firstSlot(server.url);
    const { id } = await book(server, slot, {
      citizen: { name: 'Marie Claes', email: 'marie@example.org', phone: '0470 12 34 56' },
      companion: { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' },
      intake: { zorgvrager: 'Mijn moeder', vraag: 'Hoe vraag ik de premie aan?' },
    });
    const response = await an.request('/api/staff/agenda?from=2027-03-01&days=1');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(response.body, {
      from: '2027-03-01',
      days: 1,
      staff: 'an',
      appointments: [
        {
          id,
          status: 'booked',
          start: '2027-03-01T08:00:00.000Z',
          end: '2027-03-01T08:30:00.000Z',
          channel: 'video',
          service: { id: 'mantelzorgpremie', name: 'Mantelzorgpremie' },
          staff: { id: 'an', name: 'An Peeters' },
          location: null,
          citizen: { firstName: 'Marie' },
          bookedBy: null,
          lang: 'nl',
          companions: [{ name: 'Jan Claes', role: 'carer' }],
          intake: [
            { id: 'zorgvrager', question: 'Voor wie zorgt u?', answer: 'Mijn moeder' },
            { id: 'vraag', question: 'Wat wilt u vooral bespreken?', answer: 'Hoe vraag ik de premie aan?' },
          ],
          metadata: {},
          prefersText: false,
          readiness: { deviceCheck: 'not_done', deviceParts: null, fallback: null, documents: { uploaded: 0, required: 1 }, waiting: false },
          followUpOf: null,
        },
      ],
    });
    const text = JSON.stringify(response.body);
    assert.ok(!text.includes('@') && !text.includes('Marie Claes') && !text.includes('0470'), 'no e-mail, full name or phone of the citizen');
  });

  it('when the device check, an upload and the waiting room are recorded, then readiness reads them', async () => {
    const { id } = await book(server, await firstSlot(server.url));
    await server.app.db.q.updateTable('appointments').set({ device_check: 'passed', waiting_since: MONDAY }).where('id', '=', id).execute();
    await server.app.db.q
      .insertInto('documents')
      .values({ id: 'doc1', appointment_id: id, uploaded_by: 'citizen', filename: 'attest.pdf', content_type: 'application/pdf', size: 1000, created_at: MONDAY, completed_at: MONDAY })
      .execute();
    const { body } = await an.request('/api/staff/agenda?from=2027-03-01&staff=all');
    const item = body.appointments.find((a: { id: string }) => a.id === id);
    assert.deepEqual(item.readiness, { deviceCheck: 'passed', deviceParts: null, fallback: null, documents: { uploaded: 1, required: 1 }, waiting: true });
  });

  it('when asking for one colleague or all, then the list is filtered; a cancelled one only shows on request', async () => {
    const reistoelating = await firstSlot(server.url, 'reistoelating');
    const booked = await book(server, reistoelating, { serviceId: 'reistoelating', intake: { bestemming: 'Frankrijk' } });
    const { staff_id: staffId } = await server.app.db.q.selectFrom('appointments').select('staff_id').where('id', '=', booked.id).executeTakeFirstOrThrow();
    const mine = await an.request(`/api/staff/agenda?from=2027-03-01&staff=${staffId}`);
    assert.ok(mine.body.appointments.every((a: { staff: { id: string } }) => a.staff.id === staffId));
    assert.ok(mine.body.appointments.some((a: { id: string }) => a.id === booked.id));

    assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: booked.token })).status, 200);
    const without = await an.request('/api/staff/agenda?from=2027-03-01&staff=all');
    assert.ok(!without.body.appointments.some((a: { id: string }) => a.id === booked.id));
    const withCancelled = await an.request('/api/staff/agenda?from=2027-03-01&staff=all&includeCancelled=true');
    assert.equal(withCancelled.body.appointments.find((a: { id: string }) => a.id === booked.id).status, 'cancelled');
  });

  it('when the query is not valid, then 422 with the fields', async () => {
    const response = await an.request('/api/staff/agenda?from=1-3-2027&days=400');
    assert.equal(response.status, 422);
    assert.ok(response.body.error.fields.from);
    assert.ok(response.body.error.fields.days);
  });
});

describe('GET /api/staff/events', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
  });
  after(() => server.cleanup());

  it('when a citizen books, cancels or adds a companion, then an agenda-changed event arrives with the appointment id', async () => {
    const bart = await signIn(server, staffEmail.bart);
    const stream = await openEventStream(server, bart.cookie);
    try {
      assert.equal(stream.response.status, 200);
      assert.match(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const { id, token } = await book(server, await firstSlot(server.url));
      assert.deepEqual(await stream.next('agenda-changed'), { appointmentId: id, staffId: 'an', change: 'booked' });
      await api(server.url, '/api/appointment/companions', { token, body: { name: 'Ali', email: 'ali@example.org', role: 'interpreter' } });
      assert.equal((await stream.next('agenda-changed')).change, 'companions-changed');
      await api(server.url, '/api/appointment', { method: 'DELETE', token });
      assert.deepEqual(await stream.next('agenda-changed'), { appointmentId: id, staffId: 'an', change: 'cancelled' });
    } finally {
      stream.close();
    }
  });

  it('when the server stops with a stream open, then the stream ends and stop() does not hang', async () => {
    const own = await startTestServer({ clock: testClock(MONDAY) });
    try {
      const an = await signIn(own);
      const stream = await openEventStream(own, an.cookie);
      const started = Date.now();
      await own.stop();
      await stream.ended;
      assert.ok(Date.now() - started < 2000, `stopped in ${Date.now() - started} ms`);
    } finally {
      await own.cleanup();
    }
  });
});
