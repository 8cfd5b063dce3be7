import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, testDatabaseUrl, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, DURING, joinAsHolder, MONDAY, signalUrl, twoMeetings, type MeetingJoin, type TestPeer } from '../../../../test-support/signal.ts';
import { openEventStream, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';


/** The answer to an upgrade: PeerJS's first message, or the refusal's status and JSON. */
function tryUpgrade(url: string): Promise<{ opened: string } | { status: number; body: { error: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.once('message', (data) => {
      resolve({ opened: JSON.parse(String(data)).type });
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

/** `id` with its first character percent-encoded: the same text to a decoder, another hash to HAProxy. */
const encodedFirst = (id: string) => `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}`;

/** Resolves with the close of the socket, or fails after `ms`. */
const closedWithin = (peer: TestPeer, ms = 5000) =>
  Promise.race([peer.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${peer.join.name}: still open after ${ms} ms`)), ms))]);

describe('the meeting routing parameter (meeting=<id>, hashed by HAProxy)', () => {
  let server: TestServer;
  let staff: StaffClient;
  let first: { id: string; token: string };
  let second: { id: string; token: string };
  const open: TestPeer[] = [];
  before(async () => {
    ({ server, staff, first, second } = await twoMeetings());
  });
  after(async () => {
    for (const peer of open) peer.socket.terminate();
    await server.cleanup();
  });

  describe('on the signalling socket', () => {
    let joined: MeetingJoin;
    before(async () => (joined = await joinAsHolder(server, first.token)));

    it('when the join’s meetingId is sent, then PeerJS answers OPEN; without it (an older widget), too', async () => {
      assert.ok(signalUrl(server, joined).endsWith(`&meeting=${first.id}`));
      assert.deepEqual(await tryUpgrade(signalUrl(server, joined)), { opened: 'OPEN' });
      assert.deepEqual(await tryUpgrade(signalUrl(server, await joinAsHolder(server, first.token), { meeting: null })), { opened: 'OPEN' });
    });

    it('when meeting is repeated, by & or by ;, even with the right id both times, then 400', async () => {
      const url = signalUrl(server, joined);
      for (const variant of [`${url}&meeting=${first.id}`, `${url};meeting=${first.id}`, `${url}&meeting=${second.id}`, `${url}&m%65eting=${first.id}`]) {
        const outcome = await tryUpgrade(variant);
        assert.ok('status' in outcome, variant);
        assert.equal(outcome.status, 400, variant);
        assert.equal(outcome.body.error.code, 'bad_request');
        assert.match(outcome.body.error.message, /meeting/);
      }
    });

    it('when meeting names another meeting, or this one in another spelling, then 400 and no socket opens', async () => {
      const spellings = [second.id, encodedFirst(first.id), `${first.id}%20`, `${first.id}+`, `${first.id};x=1`, first.id.toUpperCase(), ''];
      for (const meeting of spellings) {
        const outcome = await tryUpgrade(`${signalUrl(server, joined, { meeting: null })}&meeting=${meeting}`);
        assert.ok('status' in outcome, meeting);
        assert.equal(outcome.status, 400, meeting);
        assert.equal(outcome.body.error.code, 'bad_request');
      }
      // A name HAProxy does not read as `meeting`, but our parsers do; and one only HAProxy reads.
      for (const extra of [`m%65eting=${first.id}`, `x=1;meeting=${first.id}`, 'meeting']) {
        const outcome = await tryUpgrade(`${signalUrl(server, joined, { meeting: null })}&${extra}`);
        assert.ok('status' in outcome, extra);
        assert.equal(outcome.status, 400, extra);
      }
      const meeting = await staff.request(`/api/staff/appointments/${first.id}/meeting`);
      assert.ok(!JSON.stringify(meeting.body).includes(joined.peerId), 'the refused peer is nowhere in the meeting');
    });

    it('when the credential of another meeting comes with this meeting’s id, then 400: the socket cannot ride another meeting’s route', async () => {
      const other = await joinAsHolder(server, second.token);
      const outcome = await tryUpgrade(signalUrl(server, other, { meeting: first.id }));
      assert.ok('status' in outcome);
      assert.equal(outcome.status, 400);
    });
  });

  describe('on the meeting routes', () => {
    it('when the citizen asks the state with their meeting, then 200; with another, repeated or encoded, then 400 wrong_meeting', async () => {
      const joined = await joinAsHolder(server, first.token);
      const state = (query: string) => api(server.url, `/api/meeting/state?peerId=${joined.peerId}${query}`, { token: first.token });
      assert.equal((await state(`&meeting=${first.id}`)).status, 200);
      assert.equal((await state('')).status, 200);
      for (const query of [`&meeting=${second.id}`, `&meeting=${first.id}&meeting=${first.id}`, `&meeting=${encodedFirst(first.id)}`, `;meeting=${first.id}`, '&meeting=']) {
        const response = await state(query);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.error.code, 'wrong_meeting');
        assert.match(response.body.error.message, /meeting/);
      }
    });

    it('when staff read, join, admit or end with another meeting’s id, then 400 and nothing changed', async () => {
      const citizen = await connectPeer(server, await joinAsHolder(server, second.token));
      open.push(citizen);
      const base = `/api/staff/appointments/${second.id}`;
      const wrong = `?meeting=${first.id}`;
      assert.equal((await staff.request(`${base}/meeting${wrong}`)).status, 400);
      assert.equal((await staff.request(`${base}/join${wrong}`, { method: 'POST' })).status, 400);
      const admit = await staff.request(`${base}/admit${wrong}`, { body: { peerId: citizen.join.peerId } });
      assert.equal(admit.status, 400);
      assert.equal(admit.body.error.code, 'wrong_meeting');
      assert.equal((await staff.request(`${base}/end?meeting=${second.id}&meeting=${second.id}`, { body: {} })).status, 400);
      const state = await staff.request(`${base}/meeting?meeting=${second.id}`);
      assert.equal(state.status, 200);
      assert.deepEqual(
        state.body.waiting.map((p: { peerId: string }) => p.peerId),
        [citizen.join.peerId],
        'still waiting: not admitted',
      );
      assert.equal(state.body.ended, false);
      assert.equal(citizen.socket.readyState, WebSocket.OPEN);
    });

    it('when everyone sends the meeting as the widget does, then waiting room, admission, call and end work', async () => {
      const meeting = `?meeting=${second.id}`;
      const base = `/api/staff/appointments/${second.id}`;
      const hostJoin = await staff.request(`${base}/join${meeting}`, { method: 'POST' });
      assert.equal(hostJoin.status, 200);
      assert.equal(hostJoin.body.meetingId, second.id);
      const host = await connectPeer(server, hostJoin.body);
      const citizen = await connectPeer(server, await joinAsHolder(server, second.token));
      open.push(host, citizen);
      assert.equal((await staff.request(`${base}/admit${meeting}`, { body: { peerId: citizen.join.peerId } })).status, 204);
      const state = await api(server.url, `/api/meeting/state?peerId=${citizen.join.peerId}&meeting=${second.id}`, { token: second.token });
      assert.equal(state.body.admitted, true);
      host.signal('OFFER', citizen.join.peerId);
      assert.equal((await citizen.next('OFFER', { src: host.join.peerId })).src, host.join.peerId);
      assert.equal((await staff.request(`${base}/end${meeting}`, { body: { nextSteps: 'Formulier opsturen' } })).status, 204);
      assert.deepEqual(await closedWithin(citizen), { code: 4000, reason: 'meeting_ended' });
    });
  });
});

describe('two instances on one database: the meeting lives on one, the rest happens anywhere', { skip: testDatabaseUrl ? false : 'SQLite is one instance by definition: two apps on one file share no change feed' }, () => {
  let a: TestServer;
  let b: TestServer;
  /** Signed in on instance A: the session lives in the database, so B accepts it too. */
  let staffOnA: StaffClient;
  const staffOnB = (path: string, init: Parameters<StaffClient['request']>[1] = {}) =>
    api(b.url, path, { method: init.method, body: init.body, headers: { cookie: staffOnA.cookie, 'x-csrf-token': staffOnA.csrfToken } });
  const open: TestPeer[] = [];

  before(async () => {
    const clock = testClock(MONDAY);
    a = await startTestServer({ clock });
    b = await startTestServer({ clock, dataDir: a.dataDir });
    staffOnA = await signIn(a, staffEmail.an);
  });
  after(async () => {
    for (const peer of open) peer.socket.terminate();
    await Promise.all([a.stop(), b.stop()]);
    await b.cleanup();
    await a.cleanup();
  });

  /** A video appointment booked on A whose staff and citizen sockets are on B, the citizen admitted there. */
  async function callOnB() {
    a.clock.set(MONDAY);
    const appointment = await book(a, await firstSlot(a.url));
    a.clock.set(DURING);
    const base = `/api/staff/appointments/${appointment.id}`;
    const hostJoin = await staffOnB(`${base}/join?meeting=${appointment.id}`, { method: 'POST' });
    assert.equal(hostJoin.status, 200, JSON.stringify(hostJoin.body));
    const host = await connectPeer(b, hostJoin.body);
    // The citizen's join may land anywhere: it answers from the database.
    const citizen = await connectPeer(b, await joinAsHolder(a, appointment.token));
    open.push(host, citizen);
    return { appointment, base, host, citizen };
  }

  it('when the citizen waits on B, then A’s agenda and live stream show it (from the database and the change feed), and admission on B clears it', async () => {
    const stream = await openEventStream(a, staffOnA.cookie);
    try {
      const { appointment, base, citizen } = await callOnB();
      const waitingOnA = async () => {
        const agenda = await staffOnA.request('/api/staff/agenda?from=2027-03-01&staff=all');
        return agenda.body.appointments.find((item: { id: string }) => item.id === appointment.id).readiness.waiting as boolean;
      };
      for (;;) {
        const change = await stream.next('agenda-changed');
        if (change.appointmentId === appointment.id && change.change === 'waiting' && change.waiting === 1) break;
      }
      assert.equal(await waitingOnA(), true);
      // A answers from its own (empty) memory what only B knows: the meeting's requests go to B.
      assert.equal((await staffOnB(`${base}/meeting?meeting=${appointment.id}`)).body.waiting.length, 1);
      assert.equal((await staffOnB(`${base}/admit?meeting=${appointment.id}`, { body: { peerId: citizen.join.peerId } })).status, 204);
      for (;;) {
        const change = await stream.next('agenda-changed');
        if (change.appointmentId === appointment.id && change.change === 'waiting' && change.waiting === 0) break;
      }
      assert.equal(await waitingOnA(), false);
    } finally {
      stream.close();
    }
  });

  it('when the citizen cancels on A while the call is on B, then B closes the call for everyone', async () => {
    const { appointment, base, host, citizen } = await callOnB();
    assert.equal((await staffOnB(`${base}/admit?meeting=${appointment.id}`, { body: { peerId: citizen.join.peerId } })).status, 204);
    const cancelled = await api(a.url, '/api/appointment', { method: 'DELETE', token: appointment.token });
    assert.equal(cancelled.status, 200);
    assert.deepEqual(await closedWithin(citizen), { code: 4000, reason: 'meeting_ended' });
    assert.deepEqual(await closedWithin(host), { code: 4000, reason: 'meeting_ended' });
    const state = await staffOnB(`${base}/meeting?meeting=${appointment.id}`);
    assert.deepEqual(state.body.participants, []);
  });

  it('when staff end the call through A (a console that sends no meeting), then B closes the call for everyone', async () => {
    const { base, host, citizen } = await callOnB();
    assert.equal((await staffOnA.request(`${base}/end`, { body: {} })).status, 204);
    assert.deepEqual(await closedWithin(citizen), { code: 4000, reason: 'meeting_ended' });
    assert.deepEqual(await closedWithin(host), { code: 4000, reason: 'meeting_ended' });
  });
});
