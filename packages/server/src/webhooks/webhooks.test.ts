import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, bookingBody, firstSlot, freePort, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, joinAsHolder, joinAsStaff } from '../../../../test-support/signal.ts';
import { signIn, staffEmail } from '../../../../test-support/staff.ts';
import { startWebhookReceiver, type ReceivedWebhook } from '../../../../test-support/webhook-receiver.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { verifySignature } from './signature.ts';

const SECRET = 'whsec-test-0123456789abcdef';
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

const startWithWebhooks = (url: string, dataDir?: string, clock?: ReturnType<typeof testClock>) =>
  startTestServer({
    env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET },
    overrides: { webhookRetryBaseMs: 50 },
    ...(dataDir ? { dataDir } : {}),
    ...(clock ? { clock } : {}),
  });
const ofType = (type: string, appointmentId?: string) => (hook: ReceivedWebhook) => {
  const event = JSON.parse(hook.body);
  return event.type === type && (!appointmentId || event.data.appointmentId === appointmentId);
};
const outboxRow = (server: TestServer, id: string) =>
  server.app.db.q.selectFrom('webhook_deliveries').select(['attempts', 'delivered_at', 'failed_at', 'last_error']).where('id', '=', id).executeTakeFirst();
/** The receiver sees a POST a moment before the server reads the answer and marks the row delivered. */
async function deliveredRow(server: TestServer, id: string) {
  for (let i = 0; i < 500; i++) {
    const row = await outboxRow(server, id);
    if (row?.delivered_at) return row;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`webhook ${id} not marked delivered: ${JSON.stringify(await outboxRow(server, id))}`);
}

describe('webhooks', () => {
  let receiver: Receiver;
  let server: TestServer;
  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startWithWebhooks(receiver.url);
  });
  after(async () => {
    await server.cleanup();
    await receiver.close();
  });

  describe('when an appointment is booked', () => {
    it('then a signed JSON event with its facts is POSTed, verifiable as the README shows', async () => {
      const slot = await firstSlot(server.url);
      const { id } = await book(server, slot);
      const [hook] = await receiver.waitFor(1, ofType('appointment.booked', id));

      // The receiver's side, as in the README: HMAC-SHA256 over "<t>.<raw body>", constant-time compare.
      const header = String(hook!.headers['x-balie-signature']);
      const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('='))) as { t: string; v1: string };
      const expected = createHmac('sha256', SECRET).update(`${t}.${hook!.body}`).digest();
      assert.ok(timingSafeEqual(Buffer.from(v1, 'hex'), expected), 'signature matches');
      assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 60, 'timestamp is now');
      assert.ok(verifySignature(SECRET, header, hook!.body));
      assert.ok(!verifySignature(SECRET, header, hook!.body.replace('booked', 'cancelled')), 'a changed body fails');
      assert.ok(!verifySignature('another-secret-0123456789', header, hook!.body), 'another secret fails');
      assert.ok(!verifySignature(SECRET, header, hook!.body, { nowSeconds: Number(t) + 301 }), 'a replay after 5 minutes fails');

      const event = JSON.parse(hook!.body);
      assert.equal(hook!.headers['content-type'], 'application/json');
      assert.equal(hook!.headers['x-balie-event-id'], event.id);
      assert.equal(hook!.headers['x-balie-event-type'], 'appointment.booked');
      assert.match(event.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(event.data, {
        appointmentId: id,
        serviceId: 'mantelzorgpremie',
        staffId: event.data.staffId,
        channel: 'video',
        locationId: null,
        start: slot.start,
        end: slot.end,
        status: 'booked',
        lang: 'nl',
        followUpOf: null,
        bookedBy: null,
        deviceFallback: null,
        metadata: {},
        callStartedAt: null,
        callEndedAt: null,
      });
      assert.equal((await deliveredRow(server, event.id)).attempts, 1);
    });
  });

  describe('when the host page added its own data to the booking (balie-booking-requested)', () => {
    it('then the webhook and the staff dossier carry it; malformed data is a 422 naming the field', async () => {
      const slot = await firstSlot(server.url);
      const metadata = { caseNumber: 'WIL-2027-118', paymentReference: 'PAY-0042' };
      const { id } = await book(server, slot, { metadata });
      const [hook] = await receiver.waitFor(1, ofType('appointment.booked', id));
      assert.deepEqual(JSON.parse(hook!.body).data.metadata, metadata);
      const staff = await signIn(server, staffEmail.an);
      assert.deepEqual((await staff.request(`/api/staff/appointments/${id}`)).body.metadata, metadata);

      for (const bad of [{ 'no spaces': 'x' }, { caseNumber: 'x'.repeat(201) }, Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])), { n: 5 }]) {
        const refused = await api(server.url, '/api/appointments', { body: bookingBody(await firstSlot(server.url), { metadata: bad }) });
        assert.equal(refused.status, 422, JSON.stringify(bad));
        assert.ok(Object.keys(refused.body.error.fields).some((field) => field.startsWith('metadata')), JSON.stringify(refused.body));
      }
    });
  });

  describe('when the citizen gave a phone number and a companion, then cancels', () => {
    it('then no payload carries a name, e-mail address or phone number', async () => {
      const slot = await firstSlot(server.url, 'mantelzorgpremie', 'channel=counter');
      const { id, token } = await book(server, slot, {
        citizen: { name: 'Marie Claes', email: 'marie@example.org', phone: '0470 12 34 56' },
        companion: { name: 'Jan Peeters', email: 'jan@example.org', role: 'carer' },
      });
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token })).status, 200);
      const [cancelled] = await receiver.waitFor(1, ofType('appointment.cancelled', id));
      assert.equal(JSON.parse(cancelled!.body).data.cancelledBy, 'citizen');
      assert.equal(JSON.parse(cancelled!.body).data.status, 'cancelled');

      const about = receiver.received.filter((hook) => hook.body.includes(id));
      assert.ok(about.length >= 2);
      for (const hook of about) {
        // Literal values, not short fragments: random ids may contain "Jan" or "470".
        for (const personal of ['@', 'Marie', 'Claes', 'Peeters', '470 12 34 56', '470123456', 'Mijn ouders']) {
          assert.ok(!hook.body.includes(personal), `${personal} in ${hook.body}`);
        }
        assert.ok(!JSON.stringify(hook.headers).includes('@'));
      }
    });
  });

  describe('when the receiver answers 500', () => {
    it('then the same event is retried with backoff until it answers 2xx', async () => {
      receiver.answerNext(500, 503);
      const { id } = await book(server, await firstSlot(server.url));
      const hooks = await receiver.waitFor(3, ofType('appointment.booked', id));
      assert.deepEqual(hooks.map((h) => h.status), [500, 503, 200]);
      assert.deepEqual(hooks.map((h) => h.headers['x-balie-delivery-attempt']), ['1', '2', '3']);
      assert.equal(new Set(hooks.map((h) => h.headers['x-balie-event-id'])).size, 1, 'one event id');
      assert.equal(new Set(hooks.map((h) => h.body)).size, 1, 'the same body every time');
      for (const hook of hooks) assert.ok(verifySignature(SECRET, String(hook.headers['x-balie-signature']), hook.body));
      assert.equal((await deliveredRow(server, String(hooks[0]!.headers['x-balie-event-id']))).attempts, 3);
    });
  });
});

describe('webhooks of a video call', () => {
  // Monday 1 March 2027: the first video slot is 08:00Z, the meeting is open from 07:45Z.
  const MONDAY = '2027-03-01T06:00:00Z';
  const DURING = '2027-03-01T07:55:00Z';
  let receiver: Receiver;
  let server: TestServer;
  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startWithWebhooks(receiver.url, undefined, testClock(MONDAY));
  });
  after(async () => {
    await server.cleanup();
    await receiver.close();
  });

  it('when a call starts, ends and the citizen answers the survey, then meeting.started, meeting.ended and feedback.submitted arrive, the score without the comment', async () => {
    const slot = await firstSlot(server.url);
    const { id, token } = await book(server, slot);
    server.clock.set(DURING);
    const staff = await signIn(server, staffEmail.an);
    const citizen = await connectPeer(server, await joinAsHolder(server, token));
    const host = await connectPeer(server, await joinAsStaff(staff, id));
    assert.equal((await staff.request(`/api/staff/appointments/${id}/admit`, { body: { peerId: citizen.join.peerId } })).status, 204);
    const [started] = await receiver.waitFor(1, ofType('meeting.started', id));
    assert.ok(JSON.parse(started!.body).data.callStartedAt, 'the facts say when the call started');

    // A rejoin is the same call: no second meeting.started.
    citizen.close();
    const again = await connectPeer(server, await joinAsHolder(server, token));
    assert.equal((await staff.request(`/api/staff/appointments/${id}/end`, { body: { nextSteps: 'Stuur het attest door.' } })).status, 204);
    await receiver.waitFor(1, ofType('meeting.ended', id));
    const feedback = await api(server.url, '/api/meeting/feedback', { token, body: { score: 4, comment: 'Vlot geholpen door An.' } });
    assert.equal(feedback.status, 201);
    const [survey] = await receiver.waitFor(1, ofType('feedback.submitted', id));
    const event = JSON.parse(survey!.body);
    assert.equal(event.data.score, 4);
    assert.ok(!survey!.body.includes('Vlot'), 'the comment stays in the survey, not in the webhook');
    assert.equal(receiver.received.filter(ofType('meeting.started', id)).length, 1);
    host.close();
    again.close();
  });

  it('when the citizen finishes the device test, then meeting.device-checked carries the result and each part', async () => {
    server.clock.set(MONDAY);
    const { id, token } = await book(server, await firstSlot(server.url));
    const parts = { camera: 'failed', microphone: 'passed', speaker: 'passed', network: 'skipped' };
    const response = await api(server.url, '/api/meeting/device-check', { token, body: { result: 'failed', audioOnly: false, parts } });
    assert.equal(response.status, 204);
    const [hook] = await receiver.waitFor(1, ofType('meeting.device-checked', id));
    const event = JSON.parse(hook!.body);
    assert.equal(event.data.result, 'failed');
    assert.deepEqual(event.data.parts, parts);
  });
});

describe('webhooks across a restart', () => {
  it('when the receiver is down and the server restarts, then the event is delivered after the restart', async () => {
    const port = await freePort(); // nothing listens here yet: every attempt is refused
    const url = `http://127.0.0.1:${port}/hooks/balie`;
    const first = await startWithWebhooks(url);
    const { id } = await book(first, await firstSlot(first.url));
    const pending = () => first.app.db.q.selectFrom('webhook_deliveries').select(['id', 'attempts', 'last_error']).where('delivered_at', 'is', null).execute();
    for (let i = 0; ((await pending())[0]?.attempts ?? 0) < 2 && i < 250; i++) await new Promise((r) => setTimeout(r, 20));
    const [row] = await pending();
    assert.ok(row && row.attempts >= 2, 'attempted and failed while the receiver was down');
    assert.match(row.last_error ?? '', /fetch failed|ECONNREFUSED/);
    await first.stop();

    const receiver = await startWebhookReceiver({ port });
    const second = await startWithWebhooks(url, first.dataDir);
    try {
      const [hook] = await receiver.waitFor(1, ofType('appointment.booked', id));
      assert.equal(hook!.headers['x-balie-event-id'], row.id);
      await deliveredRow(second, row.id!);
    } finally {
      await second.cleanup();
      await receiver.close();
    }
  });
});

describe('webhook configuration', () => {
  it('when WEBHOOK_URL is set without WEBHOOK_SECRET, then the server refuses to start', () => {
    assert.throws(() => loadConfig({ WEBHOOK_URL: 'https://crm.wilsede.be/hooks' }), (e: Error) => e instanceof ConfigError && /WEBHOOK_SECRET: required/.test(e.message));
  });

  it('when no WEBHOOK_URL is set, then nothing is queued', async () => {
    const plain = await startTestServer();
    try {
      await book(plain, await firstSlot(plain.url));
      assert.deepEqual(await plain.app.db.q.selectFrom('webhook_deliveries').selectAll().execute(), []);
    } finally {
      await plain.cleanup();
    }
  });
});
