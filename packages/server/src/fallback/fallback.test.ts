import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, type StaffClient } from '../../../../test-support/staff.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

const SUNDAY = '2027-02-28T12:00:00Z';
const SECRET = 'test-webhook-secret-0123456789';
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** What the database holds about how the appointment happens: the victim's row, to prove it untouched. */
const row = (server: TestServer, id: string) =>
  server.app.db.q
    .selectFrom('appointments')
    .select(['channel', 'location_id as locationId', 'citizen_phone as phone', 'status', 'device_fallback as fallback'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/** Books a video appointment with an interpreter; returns both links. */
async function videoWithCompanion(server: TestServer) {
  const { id, token } = await book(server, await firstSlot(server.url), { companion: { name: 'Saïd Tolk', email: 'tolk@example.org', role: 'interpreter' } });
  const invite = (await sentMails(server)).filter((m) => m.to === 'tolk@example.org').at(-1)!;
  return { id, token, companionToken: linkToken(invite.text) };
}

/** The calendar file of an outbox mail, as a calendar reads it: method, sequence, where and what. */
async function calendarOf(server: TestServer, file: string) {
  const mail = await simpleParser(readFileSync(join(server.dataDir, 'outbox', file)));
  const ics = mail.attachments.find((a) => a.filename === 'afspraak.ics');
  assert.ok(ics, 'an afspraak.ics attachment');
  const calendar = new ICAL.Component(ICAL.parse(ics.content.toString('utf8')));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    location: String(event.getFirstPropertyValue('location')),
    description: String(event.getFirstPropertyValue('description')),
  };
}

/** A failed device test as the widget reports it, so the flag has its reason. */
const failTest = (server: TestServer, token: string) =>
  api(server.url, '/api/meeting/device-check', {
    token,
    body: { result: 'failed', audioOnly: false, parts: { camera: 'failed', microphone: 'failed', speaker: 'passed', network: 'passed' } },
  });

describe('the ways forward after a failed device test (issue 11)', () => {
  let server: TestServer;
  let hooks: Receiver;
  let an: StaffClient;
  before(async () => {
    hooks = await startWebhookReceiver();
    server = await startTestServer({ clock: testClock(SUNDAY), env: { WEBHOOK_URL: hooks.url, WEBHOOK_SECRET: SECRET } });
    an = await signIn(server);
  });
  after(async () => {
    await server.cleanup();
    await hooks.close();
  });

  const agendaItem = async (id: string) =>
    (await an.request('/api/staff/agenda?staff=all&days=3&from=2027-02-28')).body.appointments.find((a: { id: string }) => a.id === id);

  describe('POST /api/appointment/switch-to-phone', () => {
    it('when the citizen asks to be called, then the appointment becomes a phone call at the same time, the mail and .ics say who calls which number, staff see the number and the flag, and the webhooks say so without the number', async () => {
      const { id, token } = await videoWithCompanion(server);
      assert.equal((await failTest(server, token)).status, 204);
      const before = await row(server, id);
      const mailsBefore = (await sentMails(server)).length;

      const response = await api(server.url, '/api/appointment/switch-to-phone', { token, body: { phone: '0470 12 34 56' } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.channel, 'phone');
      assert.equal(response.body.phone, '+32 470 12 34 56');
      assert.deepEqual(await row(server, id), { ...before, channel: 'phone', phone: '+32470123456', fallback: 'phone' });

      const mails = (await sentMails(server)).slice(mailsBefore);
      assert.deepEqual(mails.map((m) => m.to).sort(), ['marie@example.org', 'tolk@example.org']);
      const mail = mails.find((m) => m.to === 'marie@example.org')!;
      assert.match(mail.subject, /^Uw afspraak is gewijzigd: Mantelzorgpremie/);
      assert.match(mail.text, /Een medewerker belt u op \+32 470 12 34 56 op maandag 1 maart 2027 om /);
      assert.doesNotMatch(mail.text, /camera en microfoon/, 'no device test for a phone call');
      // The calendar event is updated in place (same UID, a higher SEQUENCE) and says who calls where.
      const ics = await calendarOf(server, mail.file);
      assert.equal(ics.method, 'REQUEST');
      assert.ok(ics.sequence > 0, 'an update');
      assert.equal(ics.location, '+32 470 12 34 56');
      assert.match(ics.description, /Een medewerker belt u op \+32 470 12 34 56/);

      const item = await agendaItem(id);
      assert.equal(item.channel, 'phone');
      assert.deepEqual(item.citizen.phone, { tel: '+32470123456', text: '+32 470 12 34 56' });
      assert.equal(item.readiness.fallback, 'phone');
      assert.equal(item.readiness.deviceCheck, 'failed');

      const [fallback] = await hooks.waitFor(1, (h) => JSON.parse(h.body).type === 'appointment.device-fallback' && JSON.parse(h.body).data.appointmentId === id);
      const event = JSON.parse(fallback!.body);
      assert.equal(event.data.fallback, 'phone');
      assert.equal(event.data.channel, 'phone');
      const [changed] = await hooks.waitFor(1, (h) => JSON.parse(h.body).type === 'appointment.channel-changed' && JSON.parse(h.body).data.appointmentId === id);
      assert.equal(JSON.parse(changed!.body).data.deviceFallback, 'phone');
      for (const hook of [fallback!, changed!]) assert.equal(hook.body.includes('470'), false, 'no phone number in a webhook');
    });

    it('when the link is missing or wrong, then 401 and nothing changes', async () => {
      const { id } = await videoWithCompanion(server);
      const before = await row(server, id);
      assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { body: { phone: '0470 12 34 56' } }), 401, 'invalid_link');
      assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { token: 'x'.repeat(43), body: { phone: '0470 12 34 56' } }), 401, 'invalid_link');
      assert.deepEqual(await row(server, id), before);
    });

    it('when a companion tries it with their own link, then 403 and the citizen’s appointment stays a video call without a flag', async () => {
      const { id, companionToken } = await videoWithCompanion(server);
      const mailsBefore = (await sentMails(server)).length;
      assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { token: companionToken, body: { phone: '0470 99 88 77' } }), 403, 'citizen_only');
      assert.deepEqual(await row(server, id), { channel: 'video', locationId: null, phone: null, status: 'booked', fallback: null });
      assert.equal((await sentMails(server)).length, mailsBefore, 'no mail');
    });

    it('when the appointment was cancelled, then 410 and it stays cancelled', async () => {
      const { id, token } = await videoWithCompanion(server);
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token })).status, 200);
      assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { token, body: { phone: '0470 12 34 56' } }), 410, 'appointment_cancelled');
      assert.deepEqual(await row(server, id), { channel: 'video', locationId: null, phone: null, status: 'cancelled', fallback: null });
    });

    it('when the number is not a phone number, empty, missing or comes with extra fields, then 422 names the field and nothing changes', async () => {
      const { id, token } = await videoWithCompanion(server);
      const before = await row(server, id);
      for (const body of [{ phone: '12345' }, { phone: '' }, { phone: '   ' }, {}, { phone: 'x'.repeat(40) }, { phone: '0470 12 34 56', channel: 'counter' }]) {
        const error = assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { token, body }), 422, 'validation_failed');
        assert.ok(JSON.stringify(error).includes('phone') || 'channel' in body, JSON.stringify(error));
      }
      assert.deepEqual(await row(server, id), before);
    });

    it('when the appointment is at the counter already, then 409 and it stays there without a flag', async () => {
      const { id, token } = await book(server, await firstSlot(server.url, 'mantelzorgpremie', 'channel=counter'));
      const before = await row(server, id);
      assertApiError(await api(server.url, '/api/appointment/switch-to-phone', { token, body: { phone: '0470 12 34 56' } }), 409, 'not_video');
      assert.deepEqual(await row(server, id), before);
    });
  });

  describe('POST /api/appointment/device-fallback', () => {
    it('when the citizen goes on with audio only, then the flag is stored, staff see it and the webhook says so', async () => {
      const { id, token } = await videoWithCompanion(server);
      await failTest(server, token);
      assert.equal((await api(server.url, '/api/appointment/device-fallback', { token, body: { choice: 'audio-only' } })).status, 204);
      assert.deepEqual(await row(server, id), { channel: 'video', locationId: null, phone: null, status: 'booked', fallback: 'audio-only' });
      assert.equal((await agendaItem(id)).readiness.fallback, 'audio-only');
      const [hook] = await hooks.waitFor(1, (h) => JSON.parse(h.body).type === 'appointment.device-fallback' && JSON.parse(h.body).data.appointmentId === id);
      assert.equal(JSON.parse(hook!.body).data.fallback, 'audio-only');
    });

    it('when the counter is claimed before the appointment moved there, then 409; after the move it is stored, and a move back to video hides it', async () => {
      const { id, token } = await videoWithCompanion(server);
      assertApiError(await api(server.url, '/api/appointment/device-fallback', { token, body: { choice: 'counter' } }), 409, 'wrong_channel');
      assert.equal((await row(server, id)).fallback, null);
      const counter = await firstSlot(server.url, 'mantelzorgpremie', 'channel=counter');
      const moved = await api(server.url, '/api/appointment/reschedule', { token, body: { start: counter.start, channel: 'counter', locationId: counter.locationId } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal((await api(server.url, '/api/appointment/device-fallback', { token, body: { choice: 'counter' } })).status, 204);
      assert.equal((await row(server, id)).fallback, 'counter');
      assert.equal((await agendaItem(id)).readiness.fallback, 'counter');
      assertApiError(await api(server.url, '/api/appointment/device-fallback', { token, body: { choice: 'audio-only' } }), 409, 'wrong_channel');

      const video = await firstSlot(server.url);
      assert.equal((await api(server.url, '/api/appointment/reschedule', { token, body: { start: video.start, channel: 'video', locationId: null } })).status, 200);
      assert.equal((await agendaItem(id)).readiness.fallback, null, 'no counter flag on a video call');
    });

    it('when a companion, no link or an unknown choice, then 403, 401 or 422 and no flag', async () => {
      const { id, companionToken, token } = await videoWithCompanion(server);
      assertApiError(await api(server.url, '/api/appointment/device-fallback', { token: companionToken, body: { choice: 'audio-only' } }), 403, 'citizen_only');
      assertApiError(await api(server.url, '/api/appointment/device-fallback', { body: { choice: 'audio-only' } }), 401, 'invalid_link');
      for (const choice of ['phone', 'video', '', null]) {
        assertApiError(await api(server.url, '/api/appointment/device-fallback', { token, body: { choice } }), 422, 'validation_failed');
      }
      assert.equal((await row(server, id)).fallback, null);
    });
  });
});

describe('the ways forward are rate-limited like the other changes behind a link', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: testClock(SUNDAY), env: { RATE_LIMIT_CHANGES_PER_LINK: '3', RATE_LIMIT_CHANGES_PER_ADDRESS: '100' } });
  });
  after(() => server.cleanup());

  it('when one link sends more than its budget, then 429 with Retry-After and the appointment stays as it was; another link still works', async () => {
    const victim = await book(server, await firstSlot(server.url), { citizen: { name: 'Marie Claes', email: 'marie@example.org' } });
    // Refused numbers count too: a script trying numbers spends the budget.
    for (const phone of ['1', '2', '3']) assert.equal((await api(server.url, '/api/appointment/switch-to-phone', { token: victim.token, body: { phone } })).status, 422);
    const refused = await api(server.url, '/api/appointment/switch-to-phone', { token: victim.token, body: { phone: '0470 12 34 56' } });
    assertApiError(refused, 429, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assertApiError(await api(server.url, '/api/appointment/device-fallback', { token: victim.token, body: { choice: 'audio-only' } }), 429, 'rate_limited');
    assert.deepEqual(await row(server, victim.id), { channel: 'video', locationId: null, phone: null, status: 'booked', fallback: null });

    const other = await book(server, await firstSlot(server.url), { citizen: { name: 'Jan Peeters', email: 'jan@example.org' } });
    assert.equal((await api(server.url, '/api/appointment/switch-to-phone', { token: other.token, body: { phone: '0470 12 34 56' } })).status, 200);
    assert.equal((await row(server, other.id)).channel, 'phone');
  });
});
