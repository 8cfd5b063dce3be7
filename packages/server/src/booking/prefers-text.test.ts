import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { api, bookingBody, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, type StaffClient } from '../../../../test-support/staff.ts';

// Monday 1 March 2027, 07:00 in Brussels; the call opens 15 minutes before its start.
const MONDAY = '2027-03-01T06:00:00Z';
const DURING = '2027-03-01T07:55:00Z';
const DAY = 24 * 60 * 60 * 1000;

/** The booking option "Ik gebruik liever tekst" (issue 14): stored, shown to staff, carried into the call. */
describe('booking option: prefers text', () => {
  let server: TestServer;
  let an: StaffClient;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY), env: { RETENTION_DAYS: '30' } });
    an = await signIn(server);
  });
  after(() => server.cleanup());

  const column = async (id: string) =>
    (await server.app.db.q.selectFrom('appointments').select('prefers_text').where('id', '=', id).executeTakeFirst())?.prefers_text;
  const count = async () =>
    Number((await server.app.db.q.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('when a citizen books with it, then the agenda, the dossier and both sides of the meeting state say so', async () => {
    const slot = await firstSlot(server.url);
    const { id, token } = await book(server, slot, { prefersText: true });
    assert.equal(await column(id), 1);

    const agenda = await an.request('/api/staff/agenda?from=2027-03-01&days=1');
    assert.equal(agenda.body.appointments.find((a: { id: string }) => a.id === id).prefersText, true);
    assert.equal((await an.request(`/api/staff/appointments/${id}`)).body.prefersText, true);

    server.clock.set(DURING);
    const state = await api(server.url, '/api/meeting/state', { token });
    assert.equal(state.status, 200, JSON.stringify(state.body));
    assert.equal(state.body.prefersText, true);
    assert.equal((await an.request(`/api/staff/appointments/${id}/meeting`)).body.prefersText, true);
    server.clock.set(MONDAY);
  });

  it('when a citizen books without it, then it is off everywhere', async () => {
    const slot = await firstSlot(server.url);
    const { id } = await book(server, slot);
    assert.equal(await column(id), 0);
    assert.equal((await an.request(`/api/staff/appointments/${id}`)).body.prefersText, false);
  });

  it('when the option is not a yes or no, then the booking is refused with 422 and nothing is written', async () => {
    const slot = await firstSlot(server.url);
    const before = await count();
    for (const prefersText of ['ja', 1, null, { on: true }]) {
      const response = await api(server.url, '/api/appointments', { body: bookingBody(slot, { prefersText }) });
      const error = assertApiError(response, 422, 'validation_failed');
      assert.ok(error.fields?.prefersText, JSON.stringify(error));
    }
    assert.equal(await count(), before, 'no appointment written');
  });

  it('when staff plan a follow-up, then it keeps the preference', async () => {
    const slot = await firstSlot(server.url);
    const { id } = await book(server, slot, { prefersText: true });
    const later = await firstSlot(server.url, 'mantelzorgpremie', 'channel=video&from=2027-03-08&days=5');
    const planned = await an.request(`/api/staff/appointments/${id}/follow-up`, {
      body: { serviceId: 'mantelzorgpremie', start: later.start, channel: 'video', locationId: null },
    });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));
    assert.equal(await column(planned.body.id), 1);
  });

  it('when retention erases the appointment, then the preference goes with the rest', async () => {
    const slot = await firstSlot(server.url);
    const { id } = await book(server, slot, { prefersText: true });
    server.clock.set(new Date(Date.parse(slot.end) + 31 * DAY));
    await server.app.retention.sweep.run();
    assert.equal(await column(id), 0);
    server.clock.set(MONDAY);
  });
});
