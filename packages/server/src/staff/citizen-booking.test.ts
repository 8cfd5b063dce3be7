import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const SECRET = 'test-webhook-secret-0123456789';
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

const appointmentCount = async (server: TestServer) =>
  Number((await server.app.db.q.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const claimsOf = (server: TestServer, id: string) =>
  server.app.db.q.selectFrom('slot_claims').select(['staff_id', 'unit_at']).where('appointment_id', '=', id).orderBy('unit_at').execute();

/** Staff booking for a citizen ("Afspraak maken voor een burger", issue 11). */
describe('POST /api/staff/appointments', () => {
  let server: TestServer;
  let sms: Receiver;
  let hooks: Receiver;
  let chloe: StaffClient;
  const body = async (citizen: Record<string, string>, query = 'channel=phone', extra: Record<string, unknown> = {}) => {
    const slot = await firstSlot(server.url, 'mantelzorgpremie', query);
    return { serviceId: 'mantelzorgpremie', start: slot.start, channel: slot.channel, locationId: slot.locationId, citizen, ...extra };
  };

  before(async () => {
    sms = await startWebhookReceiver();
    hooks = await startWebhookReceiver();
    server = await startTestServer({
      clock: testClock(MONDAY),
      // A cap of one appointment per e-mail address: staff booking must not be subject to it.
      env: { SMS_WEBHOOK_URL: sms.url, WEBHOOK_URL: hooks.url, WEBHOOK_SECRET: SECRET, MAX_BOOKINGS_PER_EMAIL: '1' },
    });
    chloe = await signIn(server, staffEmail.chloe);
  });
  after(async () => {
    await server.cleanup();
    await sms.close();
    await hooks.close();
  });

  describe('when a medewerker books a phone appointment with an e-mail address', () => {
    it('then 201 with the dossier marked as booked by them, the mail says who calls which number when, and the webhook carries bookedBy', async () => {
      const before = (await sentMails(server)).length;
      const response = await chloe.request('/api/staff/appointments', {
        body: await body({ name: 'Georgette Willems', email: 'georgette@example.org', phone: '0470 12 34 56' }),
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const dossier = response.body;
      assert.equal(dossier.channel, 'phone');
      assert.equal(dossier.location, null);
      assert.deepEqual(dossier.bookedBy, { id: 'chloe', name: 'Chloé Dubois' });
      assert.deepEqual(dossier.citizen, { firstName: 'Georgette', name: 'Georgette Willems', phone: { tel: '+32470123456', text: '+32 470 12 34 56' } });

      const mails = (await sentMails(server)).slice(before);
      assert.equal(mails.length, 1);
      const [mail] = mails;
      assert.equal(mail!.to, 'georgette@example.org');
      assert.match(mail!.subject, /bevestigd: Mantelzorgpremie/);
      assert.match(mail!.text, /Een medewerker belt u op \+32 470 12 34 56 op maandag 1 maart 2027 om /);
      assert.doesNotMatch(mail!.text, /camera en microfoon/, 'no device test for a phone call');
      // The personal link opens the appointment, like one the citizen booked.
      const opened = await api(server.url, '/api/appointment', { token: linkToken(mail!.text) });
      assert.equal(opened.status, 200);
      assert.equal(opened.body.channel, 'phone');

      const [hook] = await hooks.waitFor(1, (h) => JSON.parse(h.body).data.appointmentId === dossier.id);
      const event = JSON.parse(hook!.body);
      assert.equal(event.type, 'appointment.booked');
      assert.equal(event.data.channel, 'phone');
      assert.equal(event.data.bookedBy, 'chloe');
      assert.equal(JSON.stringify(event).includes('470'), false, 'no phone number in a webhook');
    });

    it('then the agenda shows the number to call, and only for phone appointments', async () => {
      const agenda = await chloe.request('/api/staff/agenda?staff=all&days=1');
      const phone = agenda.body.appointments.filter((a: { channel: string }) => a.channel === 'phone');
      assert.ok(phone.length >= 1);
      assert.ok(phone.every((a: { citizen: { phone?: { tel: string } } }) => a.citizen.phone?.tel === '+32470123456'));
      const { id } = await book(server, await firstSlot(server.url), { citizen: { name: 'Marie Claes', email: 'marie@example.org', phone: '0470 99 88 77' } });
      const video = (await chloe.request(`/api/staff/appointments/${id}`)).body;
      assert.deepEqual(video.citizen, { firstName: 'Marie', name: 'Marie Claes' }, 'a video appointment shows no number');
      assert.equal(video.bookedBy, null, 'the citizen booked it');
    });
  });

  describe('when only a mobile number is given', () => {
    it('then no mail is sent and the SMS webhook receives the confirmation with the personal link', async () => {
      const mailsBefore = (await sentMails(server)).length;
      const response = await chloe.request('/api/staff/appointments', {
        body: await body({ name: 'Maarten Peeters', phone: '+32 471 23 45 67' }, 'channel=counter'),
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.channel, 'counter');
      const [message] = await sms.waitFor(1, (m) => JSON.parse(m.body).to === '+32471234567');
      const { text } = JSON.parse(message!.body) as { to: string; text: string };
      assert.match(text, /^Uw afspraak voor Mantelzorgpremie is vastgelegd op /);
      assert.match(text, /U komt naar het loket: /);
      const opened = await api(server.url, '/api/appointment', { token: linkToken(text) });
      assert.equal(opened.status, 200);
      assert.equal(opened.body.id, response.body.id);
      assert.equal((await sentMails(server)).length, mailsBefore, 'no mail to an empty address');
    });

    it('then a fixed-line number is refused (it cannot receive the SMS), and nothing is booked', async () => {
      const count = await appointmentCount(server);
      const response = await chloe.request('/api/staff/appointments', { body: await body({ name: 'Maarten Peeters', phone: '02 511 11 11' }) });
      assert.equal(response.status, 422);
      assert.deepEqual(Object.keys(response.body.error.fields), ['citizen.phone']);
      assert.match(response.body.error.fields['citizen.phone'], /mobile/);
      assert.equal(await appointmentCount(server), count);
    });
  });

  describe('when the input is not enough', () => {
    it('then 422 names the field: no e-mail nor number, a bad number, a phone appointment without a number', async () => {
      const count = await appointmentCount(server);
      const cases: [Record<string, string>, string, string?][] = [
        [{ name: 'Georgette' }, 'citizen.email'],
        [{ name: 'Georgette', phone: '12345' }, 'citizen.phone'],
        [{ name: 'Georgette', email: 'georgette@example.org' }, 'citizen.phone', 'channel=phone'],
        [{ name: 'Georgette http://evil.example', email: 'georgette@example.org' }, 'citizen.name', 'channel=video'],
      ];
      for (const [citizen, field, query] of cases) {
        const response = await chloe.request('/api/staff/appointments', { body: await body(citizen, query) });
        assert.equal(response.status, 422, JSON.stringify(citizen));
        assert.ok(Object.keys(response.body.error.fields).includes(field), JSON.stringify(response.body));
      }
      assert.equal(await appointmentCount(server), count);
    });

    it('then a time that is not offered answers 409 slot_taken with alternatives', async () => {
      const response = await chloe.request('/api/staff/appointments', {
        body: { ...(await body({ name: 'Georgette', email: 'georgette@example.org' }, 'channel=video')), start: '2027-03-01T03:00:00.000Z' },
      });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'slot_taken');
    });
  });

  describe('the per-e-mail cap', () => {
    it('when the citizen already holds the most appointments the public API allows, then staff can still book one more', async () => {
      await book(server, await firstSlot(server.url), { citizen: { name: 'Ellen Maes', email: 'ellen@example.org' } });
      const citizen = await api(server.url, '/api/appointments', {
        body: { ...(await body({}, 'channel=video')), lang: 'nl', citizen: { name: 'Ellen Maes', email: 'ellen@example.org' }, intake: { zorgvrager: 'moeder' }, consent: true },
      });
      assert.equal(citizen.status, 409, 'the cap holds for the public API');
      const staff = await chloe.request('/api/staff/appointments', { body: await body({ name: 'Ellen Maes', email: 'ellen@example.org' }, 'channel=video') });
      assert.equal(staff.status, 201, JSON.stringify(staff.body));
    });
  });

  describe('guards', () => {
    it('when there is no session, then 401 and nothing is booked or sent', async () => {
      const count = await appointmentCount(server);
      const response = await api(server.url, '/api/staff/appointments', { body: await body({ name: 'Mallory', email: 'victim@example.org' }, 'channel=video') });
      assert.equal(response.status, 401);
      assert.equal(await appointmentCount(server), count);
    });

    it('when the CSRF token is missing or wrong, then 403 and nothing is booked or sent', async () => {
      const count = await appointmentCount(server);
      const mails = (await sentMails(server)).length;
      const input = await body({ name: 'Mallory', email: 'victim@example.org' }, 'channel=video');
      const missing = await chloe.request('/api/staff/appointments', { body: input, csrf: false });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.error.code, 'csrf_failed');
      const wrong = await chloe.request('/api/staff/appointments', { body: input, csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
      assert.equal(wrong.status, 403);
      const elsewhere = await chloe.request('/api/staff/appointments', { body: input, headers: { origin: 'https://evil.example' } });
      assert.equal(elsewhere.status, 403);
      assert.equal(elsewhere.body.error.code, 'cross_origin');
      assert.equal(await appointmentCount(server), count);
      assert.equal((await sentMails(server)).length, mails);
    });
  });
});

/** The use case the fallback after a failed device test calls (issue 11, item 3). */
describe('bookingService.switchToPhone', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
  });
  after(() => server.cleanup());

  it('when a video appointment becomes a phone call-back, then the time, staff and claims stay and the citizen gets a mail saying who calls when', async () => {
    const { id, token } = await book(server, await firstSlot(server.url));
    const claims = await claimsOf(server, id);
    const changed = await server.app.booking.switchToPhone(id, '+32470123456');
    assert.equal(changed.channel, 'phone');
    assert.equal(changed.citizenPhone, '+32470123456');
    assert.deepEqual(await claimsOf(server, id), claims);
    const mail = (await sentMails(server)).at(-1)!;
    assert.match(mail.subject, /gewijzigd: Mantelzorgpremie/);
    assert.match(mail.text, /Een medewerker belt u op \+32 470 12 34 56 op /);
    assert.equal((await api(server.url, '/api/appointment', { token })).body.channel, 'phone');
    await assert.rejects(server.app.booking.switchToPhone(id, '+32470123456'), /Only a video appointment/);
  });

  it('when the service offers no phone call-back, then it is refused and the appointment stays a video call', async () => {
    const { id } = await book(server, await firstSlot(server.url, 'woningonderzoek'), { serviceId: 'woningonderzoek', intake: { adres: 'Kerkstraat 1' } });
    await assert.rejects(server.app.booking.switchToPhone(id, '+32470123456'), /not offered through this channel/);
    assert.equal((await server.app.db.q.selectFrom('appointments').select('channel').where('id', '=', id).executeTakeFirstOrThrow()).channel, 'video');
  });
});
