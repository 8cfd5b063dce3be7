import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { hashToken } from './tokens.ts';

// Thursday 25 March 2027, 10:00 in Brussels. Tuesday 30 March 09:00 is a free video slot.
const NOW = '2027-03-25T09:00:00Z';
const tuesdayVideo = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null } as const;
const env = { PUBLIC_URL: 'https://balie.wilsede.test' };

const countAppointments = async (server: TestServer) =>
  Number((await server.app.db.q.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('POST /api/appointments', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ env, clock: testClock(NOW) })));
  after(() => server.cleanup());

  const post = (body: unknown) => api(server.url, '/api/appointments', { body });
  /** Posts, expects the error, and checks that nothing was stored. */
  const rejected = async (body: unknown, status: number, code: string) => {
    const before = await countAppointments(server);
    const error = assertApiError(await post(body), status, code);
    assert.equal(await countAppointments(server), before, 'a rejected request stores nothing');
    return error;
  };

  describe('when every field is valid', () => {
    it('then 201 returns the appointment and a personal link token, and the database keeps only its hash', async () => {
      const response = await post(bookingBody(tuesdayVideo, { citizen: { name: 'Marie Claes', email: 'marie@example.org', phone: '0470 12 34 56' } }));
      assert.equal(response.status, 201, JSON.stringify(response.body));
      const { token, appointment } = response.body;
      assert.match(token, /^[\w-]{43}$/, '256 bits, base64url');
      assert.equal(appointment.role, 'citizen');
      assert.equal(appointment.status, 'booked');
      assert.equal(appointment.start, tuesdayVideo.start);
      assert.equal(appointment.end, '2027-03-30T07:30:00.000Z');
      assert.equal(appointment.serviceId, 'mantelzorgpremie');
      assert.deepEqual(appointment.companions, []);
      assert.equal(JSON.stringify(appointment).includes('marie@example.org'), false, 'the view carries no e-mail address');

      const row = await server.app.db.q.selectFrom('appointments').selectAll().where('id', '=', appointment.id).executeTakeFirstOrThrow();
      assert.equal(row.token_hash, hashToken(token));
      assert.equal(Object.values(row).includes(token), false, 'the token itself is not stored');
      assert.equal(row.citizen_phone, '+32470123456', 'stored in international form, for tel: links and SMS');
      assert.deepEqual(JSON.parse(row.intake!), { zorgvrager: 'Mijn ouders' });
      assert.ok(row.consent_at);

      const view = await api(server.url, '/api/appointment', { token });
      assert.equal(view.status, 200);
      assert.equal(view.body.id, appointment.id);
    });
  });

  describe('when fields are missing', () => {
    it('then 422 names each of them', async () => {
      const error = await rejected({}, 422, 'validation_failed');
      for (const field of ['serviceId', 'start', 'channel', 'citizen', 'consent']) assert.ok(error.fields?.[field], `names ${field}`);
    });

    it('then 422 names the citizen’s missing name and e-mail address', async () => {
      const error = await rejected(bookingBody(tuesdayVideo, { citizen: { name: '  ' } }), 422, 'validation_failed');
      assert.deepEqual(Object.keys(error.fields ?? {}).sort(), ['citizen.email', 'citizen.name']);
    });
  });

  describe('when the e-mail address is not valid', () => {
    it('then 422 names citizen.email', async () => {
      for (const email of ['marie', 'marie@', 'marie@example', `${'a'.repeat(250)}@example.org`]) {
        const error = await rejected(bookingBody(tuesdayVideo, { citizen: { name: 'Marie', email } }), 422, 'validation_failed');
        assert.deepEqual(Object.keys(error.fields ?? {}), ['citizen.email'], email);
      }
    });
  });

  describe('when the phone number is not valid', () => {
    it('then 422 names citizen.phone', async () => {
      for (const phone of ['12345', '0470 12 34', 'call me']) {
        const error = await rejected(bookingBody(tuesdayVideo, { citizen: { name: 'Marie', email: 'marie@example.org', phone } }), 422, 'validation_failed');
        assert.deepEqual(Object.keys(error.fields ?? {}), ['citizen.phone'], phone);
      }
    });
  });

  describe('when consent is not given', () => {
    it('then 422 names consent', async () => {
      for (const consent of [false, 'true', undefined]) {
        const error = await rejected(bookingBody(tuesdayVideo, { consent }), 422, 'validation_failed');
        assert.deepEqual(Object.keys(error.fields ?? {}), ['consent']);
      }
    });
  });

  describe('when the body has a field the API does not know', () => {
    it('then 422', async () => {
      await rejected(bookingBody(tuesdayVideo, { staffId: 'an' }), 422, 'validation_failed');
    });
  });

  describe('when the service does not exist', () => {
    it('then 404', async () => {
      await rejected(bookingBody(tuesdayVideo, { serviceId: 'paspoort' }), 404, 'not_found');
    });
  });

  describe('when the service is not offered through the channel', () => {
    it('then 422 channel_not_offered names channel', async () => {
      const body = bookingBody({ start: '2027-03-30T12:00:00.000Z', channel: 'counter', locationId: 'gemeentehuis' }, { serviceId: 'woningonderzoek', intake: { adres: 'Kerkstraat 1' } });
      const error = await rejected(body, 422, 'channel_not_offered');
      assert.deepEqual(Object.keys(error.fields ?? {}), ['channel']);
    });
  });

  describe('when a required intake question is not answered', () => {
    it('then 422 names intake.zorgvrager', async () => {
      for (const intake of [{}, { zorgvrager: '   ' }, { vraag: 'Alleen de optionele vraag' }]) {
        const error = await rejected(bookingBody(tuesdayVideo, { intake }), 422, 'validation_failed');
        assert.deepEqual(Object.keys(error.fields ?? {}), ['intake.zorgvrager'], JSON.stringify(intake));
      }
    });

    it('then an answer to a question the service does not ask is refused too', async () => {
      const error = await rejected(bookingBody(tuesdayVideo, { intake: { zorgvrager: 'Mijn vader', hobby: 'tuinieren' } }), 422, 'validation_failed');
      assert.deepEqual(Object.keys(error.fields ?? {}), ['intake.hobby']);
    });
  });

  describe('when the body is not valid JSON', () => {
    it('then 400', async () => {
      await rejected('{"serviceId": "mantelzorgpremie",', 400, 'bad_request');
    });
  });

  describe('when the body is too large', () => {
    it('then 413', async () => {
      const body = JSON.stringify(bookingBody(tuesdayVideo, { intake: { zorgvrager: 'x'.repeat(70_000) } }));
      await rejected(body, 413, 'entity.too.large');
    });
  });

  describe('when the start time is not an offered slot', () => {
    it('then 409 slot_taken offers the next free slots as alternatives', async () => {
      const listing = await api(server.url, '/api/services/mantelzorgpremie/slots?channel=video');
      const offered = new Set(listing.body.slots.map((s: { start: string }) => s.start));
      for (const start of [
        '2027-03-30T07:10:00.000Z', // 09:10, not on the grid
        '2027-03-25T07:00:00.000Z', // this morning, in the past
        '2027-03-29T07:00:00.000Z', // Easter Monday
        '2027-03-27T09:00:00.000Z', // Saturday
        '2027-06-01T07:00:00.000Z', // beyond the horizon
      ]) {
        const error = await rejected(bookingBody({ ...tuesdayVideo, start }), 409, 'slot_taken');
        const alternatives = error.details.alternatives as { start: string; channel: string }[];
        assert.equal(alternatives.length, 3);
        assert.ok(alternatives.every((a) => offered.has(a.start) && a.channel === 'video'), start);
      }
    });

    it('then a counter slot at the wrong location is refused', async () => {
      await rejected(bookingBody({ start: '2027-03-30T11:30:00.000Z', channel: 'counter', locationId: 'sociaal-huis' }), 409, 'slot_taken');
    });
  });

  describe('when the method is not supported', () => {
    it('then 405 answers with the same JSON error shape', async () => {
      const response = await api(server.url, '/api/appointments', { method: 'PUT', body: {} });
      assertApiError(response, 405, 'method_not_allowed');
      assert.match(response.headers.get('allow') ?? '', /POST/);
    });
  });
});

describe('GET /api/appointment', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ env, clock: testClock(NOW) })));
  after(() => server.cleanup());

  it('when there is no token, then 401', async () => {
    assertApiError(await api(server.url, '/api/appointment'), 401, 'invalid_link');
  });

  it('when the token is unknown or absurdly long, then 401', async () => {
    for (const token of ['x'.repeat(43), 'x'.repeat(500)]) assertApiError(await api(server.url, '/api/appointment', { token }), 401, 'invalid_link');
  });

  it('when the header is not a Bearer token, then 401', async () => {
    const { body } = await api(server.url, '/api/appointments', { body: bookingBody(tuesdayVideo) });
    const response = await api(server.url, '/api/appointment', { headers: { authorization: `Basic ${body.token}` } });
    assertApiError(response, 401, 'invalid_link');
  });

  it('when the appointment ended longer ago than the retention period, then 410', async (t) => {
    const { body } = await api(server.url, '/api/appointments', { body: bookingBody({ ...tuesdayVideo, start: '2027-03-30T07:40:00.000Z' }) });
    t.after(() => server.clock.set(NOW));
    server.clock.set('2027-04-29T07:00:00Z'); // 30 days after the appointment: still open
    assert.equal((await api(server.url, '/api/appointment', { token: body.token })).status, 200);
    server.clock.set('2027-04-29T08:20:00Z');
    assertApiError(await api(server.url, '/api/appointment', { token: body.token }), 410, 'link_expired');
  });
});

describe('GET /api/services', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ env, clock: testClock(NOW) })));
  after(() => server.cleanup());

  it('then it lists the active services with their channels and intake questions', async () => {
    const { status, body } = await api(server.url, '/api/services');
    assert.equal(status, 200);
    assert.deepEqual(body.map((s: { id: string }) => s.id), ['mantelzorgpremie', 'reistoelating', 'woningonderzoek']);
    const woning = body.find((s: { id: string }) => s.id === 'woningonderzoek');
    assert.deepEqual(woning.channels, ['video']);
    assert.deepEqual(woning.intake.map((q: { id: string }) => q.id), ['adres']);
  });

  it('when a service is withdrawn, then it is neither listed nor bookable', async () => {
    await server.app.db.q.updateTable('services').set({ active: 0 }).where('id', '=', 'reistoelating').execute();
    const { body } = await api(server.url, '/api/services');
    assert.equal(body.some((s: { id: string }) => s.id === 'reistoelating'), false);
    assertApiError(await api(server.url, '/api/services/reistoelating'), 404, 'not_found');
    assertApiError(await api(server.url, '/api/services/reistoelating/slots'), 404, 'not_found');
  });
});

describe('when the confirmation mail cannot be built', () => {
  let server: TestServer;
  // The calendar library refuses a link with a one-digit port, so the .ics cannot be made.
  before(async () => (server = await startTestServer({ env: { PUBLIC_URL: 'http://localhost:1' }, clock: testClock(NOW) })));
  after(() => server.cleanup());

  it('then the booking still stands with 201, and the failure is logged', async () => {
    const response = await api(server.url, '/api/appointments', { body: bookingBody(tuesdayVideo) });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal((await api(server.url, '/api/appointment', { token: response.body.token })).status, 200);
    assert.deepEqual(await sentMails(server), []);
    assert.ok(server.logLines.some((line) => line.startsWith(`mail confirmation for appointment ${response.body.appointment.id} failed`)));
  });
});
