import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { startSmtpListener } from '../../../../test-support/smtp.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const toMarie = (subject: RegExp) => (mail: { to?: unknown; subject?: string }) =>
  JSON.stringify(mail.to).includes('marie@example.org') && subject.test(mail.subject ?? '');

describe('staff dossier', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let server: TestServer;
  let chloe: StaffClient;
  before(async () => {
    smtp = await startSmtpListener();
    server = await startTestServer({ clock: testClock(MONDAY), env: { SMTP_URL: smtp.url } });
    chloe = await signIn(server, staffEmail.chloe);
  });
  after(async () => {
    await server.cleanup();
    await smtp.close();
  });

  describe('GET and PATCH /api/staff/appointments/:id', () => {
    it('when staff write notes and next steps, then the dossier keeps them', async () => {
      const { id } = await book(server, await firstSlot(server.url));
      const patched = await chloe.request(`/api/staff/appointments/${id}`, { method: 'PATCH', body: { notes: 'Belt liever.', nextSteps: 'Attest bezorgen.' } });
      assert.equal(patched.status, 200);
      const { body } = await chloe.request(`/api/staff/appointments/${id}`);
      assert.equal(body.notes, 'Belt liever.');
      assert.equal(body.nextSteps, 'Attest bezorgen.');
      assert.deepEqual(body.citizen, { firstName: 'Marie', name: 'Marie Claes' });
      assert.deepEqual(body.documents, []);
      assert.deepEqual(body.requiredDocuments, [{ id: 'attest', label: 'Attest van de zorgbehoevende', provided: false }]);
      const onlyNotes = await chloe.request(`/api/staff/appointments/${id}`, { method: 'PATCH', body: { notes: null } });
      assert.equal(onlyNotes.body.notes, null);
      assert.equal(onlyNotes.body.nextSteps, 'Attest bezorgen.', 'a field that is not sent stays');
    });

    it('when the appointment does not exist, then 404', async () => {
      assert.equal((await chloe.request('/api/staff/appointments/nope')).status, 404);
      assert.equal((await chloe.request('/api/staff/appointments/nope', { method: 'PATCH', body: { notes: 'x' } })).status, 404);
    });
  });

  describe('POST /api/staff/appointments/:id/cancel', () => {
    it('when staff cancel with a message, then the citizen gets the cancellation mail with that message and the link stops working', async () => {
      const { id, token } = await book(server, await firstSlot(server.url));
      const message = 'Door ziekte van de medewerker kan het gesprek niet doorgaan. Onze excuses.';
      const response = await chloe.request(`/api/staff/appointments/${id}/cancel`, { body: { message } });
      assert.equal(response.status, 200);
      assert.equal(response.body.status, 'cancelled');
      assert.equal(response.body.cancelledBy, 'staff:chloe');
      const [mail] = await smtp.waitFor(toMarie(/geannuleerd/));
      assert.ok(mail!.text!.includes(message));
      assert.equal((await api(server.url, '/api/appointment', { token })).status, 410);
      const again = await chloe.request(`/api/staff/appointments/${id}/cancel`, { body: { message } });
      assert.equal(again.status, 409);
      assert.equal((await chloe.request(`/api/staff/appointments/${id}/cancel`, { body: {} })).status, 422);
    });
  });

  describe('POST /api/staff/appointments/:id/follow-up', () => {
    it('when staff plan a follow-up at an offered slot, then the citizen gets a confirmation with a new personal link', async () => {
      const original = await book(server, await firstSlot(server.url));
      const { staff_id: originalStaff } = await server.app.db.q.selectFrom('appointments').select('staff_id').where('id', '=', original.id).executeTakeFirstOrThrow();
      const slot = await firstSlot(server.url, 'mantelzorgpremie', 'channel=video&from=2027-03-08');
      const note = 'Breng het attest van de huisarts mee.';
      const response = await chloe.request(`/api/staff/appointments/${original.id}/follow-up`, {
        body: { start: slot.start, channel: slot.channel, locationId: slot.locationId, note },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.followUpOf, original.id);
      assert.equal(response.body.start, slot.start);
      assert.equal(response.body.staff.id, originalStaff, 'the same colleague when free');
      assert.deepEqual((await chloe.request(`/api/staff/appointments/${original.id}`)).body.followUps, [response.body.id]);

      const mails = await smtp.waitFor((m) => toMarie(/bevestigd/)(m) && m.text!.includes(note));
      const token = /[?&]balie=([\w-]+)/.exec(mails[0]!.text!)?.[1];
      assert.ok(token, 'the mail carries a personal link');
      assert.notEqual(token, original.token);
      const opened = await api(server.url, '/api/appointment', { token });
      assert.equal(opened.status, 200);
      assert.equal(opened.body.id, response.body.id);
    });

    it('when the slot is not offered (taken or outside the hours), then 409 and nothing is booked', async () => {
      const original = await book(server, await firstSlot(server.url));
      const taken = await chloe.request(`/api/staff/appointments/${original.id}/follow-up`, {
        body: { start: '2027-03-06T10:00:00.000Z', channel: 'video' },
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error.code, 'slot_taken');
      const wrongChannel = await chloe.request(`/api/staff/appointments/${original.id}/follow-up`, {
        body: { start: '2027-03-08T08:00:00.000Z', channel: 'counter', serviceId: 'woningonderzoek' },
      });
      assert.equal(wrongChannel.status, 422);
    });
  });

  describe('POST /api/staff/appointments/:id/no-show and /held', () => {
    it('when the appointment has not started, then 409; after the start, then it is marked', async () => {
      const slot = await firstSlot(server.url, 'reistoelating');
      const { id } = await book(server, slot, { serviceId: 'reistoelating', intake: { bestemming: 'Spanje' } });
      const early = await chloe.request(`/api/staff/appointments/${id}/no-show`, { method: 'POST' });
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'not_started');

      server.clock.set(new Date(Date.parse(slot.start) + 10 * 60_000));
      try {
        chloe = await signIn(server, staffEmail.chloe); // the clock jumped past the idle limit
        const marked = await chloe.request(`/api/staff/appointments/${id}/no-show`, { method: 'POST' });
        assert.equal(marked.status, 200);
        assert.equal(marked.body.status, 'no_show');
        assert.ok(marked.body.noShowAt);
        assert.equal((await chloe.request(`/api/staff/appointments/${id}/held`, { method: 'POST' })).status, 409);
      } finally {
        server.clock.set(MONDAY);
        chloe = await signIn(server, staffEmail.chloe);
      }
    });
  });
});
