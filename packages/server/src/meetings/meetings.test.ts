import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, joinAsHolder, joinAsStaff, signalUrl, upgradeStatus } from '../../../../test-support/signal.ts';
import { openEventStream, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';
import type { Tables } from '../db/tables.ts';

const MONDAY = '2027-03-01T06:00:00Z';
/** The first video slot that Monday is 08:00–08:30 UTC; the meeting opens at 07:45 and closes at 10:30. */
const OPENS = '2027-03-01T07:45:00Z';
const DURING = '2027-03-01T07:55:00Z';
const jan = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };

const mailedToken = async (server: TestServer, email: string) => {
  const mail = (await sentMails(server)).findLast((m) => m.to === email);
  assert.ok(mail, `a mail to ${email}`);
  return linkToken(mail.text);
};

const join = (server: TestServer, token?: string) => api(server.url, '/api/meeting/join', { method: 'POST', token });
const state = (server: TestServer, token: string, peerId = '') => api(server.url, `/api/meeting/state?peerId=${peerId}`, { token });
const column = async (server: TestServer, id: string, name: keyof Tables['appointments']) =>
  (await server.app.db.q.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow())[name];

describe('meetings', () => {
  let server: TestServer;
  let video: { id: string; token: string };
  let companionToken: string;
  let counter: { id: string; token: string };
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    const slot = await firstSlot(server.url);
    assert.equal(slot.start, '2027-03-01T08:00:00.000Z');
    video = await book(server, slot, { companion: jan });
    companionToken = await mailedToken(server, jan.email);
    counter = await book(server, await firstSlot(server.url, 'mantelzorgpremie', 'channel=counter'));
  });
  after(() => server.cleanup());

  describe('POST /api/meeting/join', () => {
    it('when there is no token or an unknown one, then 401', async () => {
      assertApiError(await join(server), 401, 'invalid_link');
      assertApiError(await join(server, 'not-a-token'), 401, 'invalid_link');
    });

    it('when it is more than 15 minutes before the start, then 409 too_early with the time it opens', async () => {
      server.clock.set(MONDAY);
      const error = assertApiError(await join(server, video.token), 409, 'too_early');
      assert.equal(error.details.opensAt, '2027-03-01T07:45:00.000Z');
      server.clock.set('2027-03-01T07:44:59Z');
      assertApiError(await join(server, video.token), 409, 'too_early');
    });

    it('when the appointment is at the counter, then 409 not_video', async () => {
      server.clock.set(OPENS);
      assertApiError(await join(server, counter.token), 409, 'not_video');
    });

    it('when the appointment was cancelled, then 410', async () => {
      server.clock.set(MONDAY);
      const cancelled = await book(server, await firstSlot(server.url));
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: cancelled.token })).status, 200);
      server.clock.set(OPENS);
      assertApiError(await join(server, cancelled.token), 410, 'appointment_cancelled');
    });

    it('when it opens, then 200 with a new unguessable peer id per join, a credential, no ICE servers without TURN, not yet admitted', async () => {
      server.clock.set(OPENS);
      const first = await joinAsHolder(server, video.token);
      const second = await joinAsHolder(server, video.token);
      assert.match(first.peerId, /^[0-9a-f]{32}$/);
      assert.notEqual(first.peerId, second.peerId);
      assert.notEqual(first.credential, second.credential);
      assert.deepEqual(
        { ...first, peerId: undefined, credential: undefined },
        { meetingId: video.id, peerId: undefined, credential: undefined, role: 'citizen', name: 'Marie Claes', iceServers: [], iceTransportPolicy: 'all', signal: { path: '/signal', key: 'balie' }, admitted: false },
      );
      const companion = await joinAsHolder(server, companionToken);
      assert.equal(companion.role, 'companion');
      assert.equal(companion.name, 'Jan Claes');
      assert.equal(companion.meetingId, video.id);
    });

    it('when the citizen removes a companion, then the companion’s credential no longer opens signalling', async () => {
      server.clock.set(MONDAY);
      const els = { name: 'Els Claes', email: 'els@example.org', role: 'family' };
      const booked = await book(server, await firstSlot(server.url), { companion: els });
      const token = await mailedToken(server, els.email);
      server.clock.set(OPENS);
      const joined = await joinAsHolder(server, token);
      assert.equal(await upgradeStatus(signalUrl(server, joined)), 101);
      const { body } = await api(server.url, '/api/appointment', { token: booked.token });
      const removed = await api(server.url, `/api/appointment/companions/${body.companions[0].id}`, { method: 'DELETE', token: booked.token });
      assert.equal(removed.status, 204);
      assert.equal(await upgradeStatus(signalUrl(server, joined)), 401);
    });

    it('when it is 2 hours after the end, then 410 meeting_closed', async () => {
      server.clock.set('2027-03-01T10:29:59Z');
      await joinAsHolder(server, video.token);
      server.clock.set('2027-03-01T10:30:00Z');
      assertApiError(await join(server, video.token), 410, 'meeting_closed');
    });

    it('when a credential is used after it expired (2 hours after the end), then the upgrade is refused', async () => {
      server.clock.set(DURING);
      const joined = await joinAsHolder(server, video.token);
      server.clock.set('2027-03-01T10:30:00Z');
      assert.equal(await upgradeStatus(signalUrl(server, joined)), 401);
    });
  });

  describe('POST /api/meeting/device-check', () => {
    it('when the citizen reports a result, then 204 and the staff agenda shows it', async () => {
      server.clock.set(MONDAY);
      const response = await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'passed', audioOnly: true } });
      assert.equal(response.status, 204);
      const staff = await signIn(server, staffEmail.an);
      const dossier = await staff.request(`/api/staff/appointments/${video.id}`);
      assert.equal(dossier.body.readiness.deviceCheck, 'passed');
      assert.equal(await column(server, video.id, 'device_check_audio_only'), 1);
    });

    it('when a companion reports a result, then 204 and the citizen’s result stays', async () => {
      const response = await api(server.url, '/api/meeting/device-check', { token: companionToken, body: { result: 'failed', audioOnly: false } });
      assert.equal(response.status, 204);
      assert.equal(await column(server, video.id, 'device_check'), 'passed');
    });

    it('when the citizen reports each part, then they are stored and the agenda and dossier show them per part', async () => {
      const parts = { camera: 'passed', microphone: 'failed', speaker: 'skipped', network: 'passed' };
      const response = await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'failed', audioOnly: false, parts } });
      assert.equal(response.status, 204);
      assert.deepEqual(JSON.parse(String(await column(server, video.id, 'device_check_parts'))), parts);
      const staff = await signIn(server, staffEmail.an);
      const dossier = await staff.request(`/api/staff/appointments/${video.id}`);
      assert.equal(dossier.body.readiness.deviceCheck, 'failed');
      assert.deepEqual(dossier.body.readiness.deviceParts, parts);
      const agenda = await staff.request('/api/staff/agenda?from=2027-03-01&days=1&staff=all');
      const item = agenda.body.appointments.find((a: { id: string }) => a.id === video.id);
      assert.deepEqual(item.readiness.deviceParts, parts);

      // A widget from before the per-part test (still cached on a municipal page) reports the result only.
      assert.equal((await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'passed', audioOnly: false } })).status, 204);
      const again = await staff.request(`/api/staff/appointments/${video.id}`);
      assert.equal(again.body.readiness.deviceCheck, 'passed');
      assert.equal(again.body.readiness.deviceParts, null, 'an old result per part is not shown next to a newer overall one');
    });

    it('when the body is not valid, then 422; without a token, 401', async () => {
      const parts = { camera: 'passed', microphone: 'passed', speaker: 'passed', network: 'passed' };
      for (const bad of [{ ...parts, camera: 'ok' }, { camera: 'passed' }, { ...parts, keyboard: 'passed' }, 'passed']) {
        const response = await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'passed', audioOnly: false, parts: bad } });
        assertApiError(response, 422, 'validation_failed');
      }
      assert.equal(await column(server, video.id, 'device_check_parts'), null, 'a refused report changes nothing');
      assertApiError(await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'maybe', audioOnly: false } }), 422, 'validation_failed');
      assertApiError(await api(server.url, '/api/meeting/device-check', { token: video.token, body: { result: 'passed' } }), 422, 'validation_failed');
      assertApiError(await api(server.url, '/api/meeting/device-check', { body: { result: 'passed', audioOnly: false } }), 401, 'invalid_link');
    });
  });

  describe('staff routes', () => {
    it('when there is no staff session or no CSRF header, then 401 or 403', async () => {
      server.clock.set(DURING);
      const staff = await signIn(server, staffEmail.an);
      for (const path of ['join', 'admit', 'end']) {
        assert.equal((await api(server.url, `/api/staff/appointments/${video.id}/${path}`, { body: {} })).status, 401);
        assert.equal((await api(server.url, `/api/staff/appointments/${video.id}/${path}`, { body: {}, token: video.token })).status, 401, 'a link token opens nothing here');
        assertApiError(await staff.request(`/api/staff/appointments/${video.id}/${path}`, { body: {}, csrf: false }), 403, 'csrf_failed');
      }
      assert.equal((await api(server.url, `/api/staff/appointments/${video.id}/meeting`)).status, 401);
    });

    it('when the appointment does not exist or is at the counter, then 404 or 409', async () => {
      const staff = await signIn(server, staffEmail.an);
      assert.equal((await staff.request('/api/staff/appointments/nope/join', { body: {} })).status, 404);
      assert.equal((await staff.request('/api/staff/appointments/nope/meeting')).status, 404);
      assertApiError(await staff.request(`/api/staff/appointments/${counter.id}/join`, { body: {} }), 409, 'not_video');
    });
  });

  describe('waiting room, admission and the end of the meeting', () => {
    let staff: StaffClient;
    let events: Awaited<ReturnType<typeof openEventStream>>;
    before(async () => {
      server.clock.set(DURING);
      staff = await signIn(server, staffEmail.an);
      events = await openEventStream(server, staff.cookie);
    });
    after(() => events.close());

    it('when the citizen connects, then they wait: staff see them waiting, the agenda says so, and their signals go nowhere', async () => {
      const citizen = await connectPeer(server, await joinAsHolder(server, video.token));
      assert.deepEqual((await events.next('agenda-changed')).change, 'waiting');
      const meeting = await staff.request(`/api/staff/appointments/${video.id}/meeting`);
      assert.deepEqual(meeting.body, {
        waiting: [{ peerId: citizen.join.peerId, name: 'Marie Claes', role: 'citizen' }],
        participants: [],
        ended: false,
        prefersText: false,
      });
      assert.equal((await staff.request(`/api/staff/appointments/${video.id}`)).body.readiness.waiting, true);
      assert.deepEqual((await state(server, video.token, citizen.join.peerId)).body, { admitted: false, ended: false, nextSteps: null, participants: [], feedbackGiven: false, followUp: null, prefersText: false });

      const host = await connectPeer(server, await joinAsStaff(staff, video.id));
      // The waiting citizen is told at once that the meeting changed (the civil servant came).
      await citizen.next('MEETING-CHANGED');
      assert.equal(host.join.role, 'staff');
      assert.equal(host.join.admitted, true);
      assert.equal(host.join.name, 'An Peeters');
      host.signal('OFFER', citizen.join.peerId);
      citizen.signal('OFFER', host.join.peerId);
      const after = await staff.request(`/api/staff/appointments/${video.id}/meeting`);
      assert.deepEqual(after.body.participants, [{ peerId: host.join.peerId, name: 'An Peeters', role: 'staff' }]);
      assert.equal(after.body.waiting.length, 1);

      // Admission: the signals sent while waiting never arrive; new ones do.
      assertApiError(await staff.request(`/api/staff/appointments/${video.id}/admit`, { body: { peerId: 'f'.repeat(32) } }), 404, 'peer_not_waiting');
      citizen.notices.length = 0;
      assert.equal((await staff.request(`/api/staff/appointments/${video.id}/admit`, { body: { peerId: citizen.join.peerId } })).status, 204);
      // Admission reaches the waiting citizen over its socket, not at its next poll; the notice says
      // only that something changed, so the state route (and its credential check) stays the source.
      assert.deepEqual(await citizen.next('MEETING-CHANGED'), { type: 'MEETING-CHANGED' });
      assert.ok(await events.next('agenda-changed').then(async function untilAdmitted(e): Promise<boolean> {
        return e.change === 'admitted' || untilAdmitted(await events.next('agenda-changed'));
      }));
      const admitted = await state(server, video.token, citizen.join.peerId);
      assert.equal(admitted.body.admitted, true);
      assert.deepEqual(admitted.body.participants.map((p: { role: string }) => p.role).sort(), ['citizen', 'staff']);
      assert.equal(await column(server, video.id, 'waiting_since'), null);
      assert.ok(await column(server, video.id, 'call_started_at'), 'two admitted peers: the call started');

      host.signal('OFFER', citizen.join.peerId, { sdp: 'offer' });
      const offer = await citizen.next('OFFER');
      assert.deepEqual({ src: offer.src, payload: offer.payload }, { src: host.join.peerId, payload: { sdp: 'offer' } });
      citizen.signal('ANSWER', host.join.peerId, { sdp: 'answer' });
      assert.equal((await host.next('ANSWER')).src, citizen.join.peerId);
      assert.deepEqual([...citizen.received, ...host.received], [], 'nothing sent while waiting was delivered');

      // A reload means a new join and a new peer id, but the person stays admitted.
      const reloaded = await joinAsHolder(server, video.token);
      assert.equal(reloaded.admitted, true);

      // The companion waits until staff admit everyone waiting.
      const companion = await connectPeer(server, await joinAsHolder(server, companionToken));
      assert.equal((await state(server, companionToken)).body.admitted, false);
      assert.equal((await staff.request(`/api/staff/appointments/${video.id}/admit`, { body: {} })).status, 204);
      assert.equal((await state(server, companionToken)).body.admitted, true);
      assert.equal((await state(server, companionToken)).body.participants.length, 3);

      // During the call the civil servant plans a follow-up from the dossier.
      const next = await firstSlot(server.url, 'mantelzorgpremie', 'channel=video&from=2027-03-08');
      const planned = await staff.request(`/api/staff/appointments/${video.id}/follow-up`, {
        body: { start: next.start, channel: next.channel, locationId: next.locationId },
      });
      assert.equal(planned.status, 201, JSON.stringify(planned.body));
      assert.equal((await state(server, video.token)).body.followUp, null, 'shown at the end, not during the call');

      // Ending: every socket is closed, and the meeting cannot be joined again.
      assertApiError(await api(server.url, '/api/meeting/feedback', { token: video.token, body: { score: 5 } }), 409, 'meeting_not_ended');
      const ended = await staff.request(`/api/staff/appointments/${video.id}/end`, { body: { nextSteps: 'Stuur het attest door.' } });
      assert.equal(ended.status, 204);
      for (const peer of [citizen, host, companion]) assert.deepEqual(await peer.closed, { code: 4000, reason: 'meeting_ended' });
      assertApiError(await join(server, video.token), 410, 'meeting_ended');
      assertApiError(await staff.request(`/api/staff/appointments/${video.id}/join`, { body: {} }), 410, 'meeting_ended');
      assert.equal(await upgradeStatus(signalUrl(server, reloaded)), 410);
      assertApiError(await staff.request(`/api/staff/appointments/${video.id}/end`, { body: {} }), 409, 'meeting_ended');
      // The citizen's end screen names the follow-up (when, how, what; its link goes by mail only);
      // the companion, who is not invited to it, is not shown the citizen's next visit.
      const ending = (await state(server, video.token)).body;
      assert.deepEqual(
        { ...ending, followUp: { ...ending.followUp, service: ending.followUp?.service.id } },
        {
          admitted: false,
          ended: true,
          nextSteps: 'Stuur het attest door.',
          participants: [],
          feedbackGiven: false,
          followUp: { start: next.start, end: planned.body.end, channel: 'video', service: 'mantelzorgpremie', location: null },
          prefersText: false,
        },
      );
      assert.equal(ending.followUp.service.texts.nl.name, 'Mantelzorgpremie');
      assert.ok(!JSON.stringify(ending).includes(planned.body.id), 'nothing that leads to the follow-up itself');
      assert.equal((await state(server, companionToken)).body.followUp, null);
      assert.deepEqual((await staff.request(`/api/staff/appointments/${video.id}/meeting`)).body, { waiting: [], participants: [], ended: true, prefersText: false });
      assert.equal(await column(server, video.id, 'status'), 'held');
      assert.equal(await column(server, video.id, 'call_ended_at'), new Date(DURING).toISOString());
      assert.equal((await events.next('agenda-changed').then(async function untilEnded(e): Promise<any> {
        return e.change === 'meeting-ended' ? e : untilEnded(await events.next('agenda-changed'));
      })).appointmentId, video.id);
    });
  });

  describe('POST /api/meeting/feedback', () => {
    it('when the meeting ended, then 201 once per appointment, stored without a link to the appointment', async () => {
      assertApiError(await api(server.url, '/api/meeting/feedback', { token: video.token, body: { score: 6 } }), 422, 'validation_failed');
      assertApiError(await api(server.url, '/api/meeting/feedback', { token: video.token, body: { score: 4, comment: 'x'.repeat(2001) } }), 422, 'validation_failed');
      const response = await api(server.url, '/api/meeting/feedback', { token: video.token, body: { score: 4, comment: ' Vlot geholpen. ' } });
      assert.equal(response.status, 201);
      assertApiError(await api(server.url, '/api/meeting/feedback', { token: companionToken, body: { score: 1 } }), 409, 'feedback_given');
      const rows = await server.app.db.q.selectFrom('feedback').selectAll().execute();
      // Only the day (midnight in Brussels), so the time of the row does not point at the appointment either.
      assert.deepEqual(rows, [{ id: 1, service_id: 'mantelzorgpremie', score: 4, comment: 'Vlot geholpen.', created_at: '2027-02-28T23:00:00.000Z' }]);
    });
  });
});

describe('feedback from a citizen who leaves before staff end the call', () => {
  let server: TestServer;
  let call: { id: string; token: string };
  const feedback = (token: string, score: number) => api(server.url, '/api/meeting/feedback', { token, body: { score, comment: 'Ik moest weg.' } });
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    call = await book(server, await firstSlot(server.url));
    server.clock.set(DURING);
  });
  after(() => server.cleanup());

  it('when the citizen only waited, then 409: no conversation took place', async () => {
    const waiting = await connectPeer(server, await joinAsHolder(server, call.token));
    assertApiError(await feedback(call.token, 2), 409, 'meeting_not_ended');
    waiting.close();
    await waiting.closed;
    assertApiError(await feedback(call.token, 2), 409, 'meeting_not_ended');
    assert.deepEqual(await server.app.db.q.selectFrom('feedback').selectAll().execute(), []);
  });

  it('when still in the call, then 409; once the citizen left it, then 201 once, and the state says it was given', async () => {
    const staff = await signIn(server, staffEmail.an);
    const citizen = await connectPeer(server, await joinAsHolder(server, call.token));
    await connectPeer(server, await joinAsStaff(staff, call.id));
    assert.equal((await staff.request(`/api/staff/appointments/${call.id}/admit`, { body: {} })).status, 204);
    assert.ok(await column(server, call.id, 'call_started_at'), 'the call took place');
    assertApiError(await feedback(call.token, 4), 409, 'meeting_not_ended');

    citizen.close();
    await citizen.closed;
    for (let i = 0; i < 40 && (await state(server, call.token)).body.participants.length > 1; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal((await state(server, call.token)).body.feedbackGiven, false);
    assert.equal((await feedback(call.token, 4)).status, 201);
    assert.equal((await state(server, call.token)).body.feedbackGiven, true);
    assert.equal(await column(server, call.id, 'call_ended_at'), null, 'the call itself goes on for staff');

    // Back in the call and out again, or at the end staff make: the one answer stands.
    const again = await connectPeer(server, await joinAsHolder(server, call.token));
    again.close();
    await again.closed;
    assertApiError(await feedback(call.token, 1), 409, 'feedback_given');
    assert.equal((await staff.request(`/api/staff/appointments/${call.id}/end`, { body: {} })).status, 204);
    assertApiError(await feedback(call.token, 1), 409, 'feedback_given');
    assert.deepEqual(await server.app.db.q.selectFrom('feedback').select(['score', 'comment']).execute(), [{ score: 4, comment: 'Ik moest weg.' }]);
  });
});

describe('admissions across a server restart', () => {
  const holders = async (server: TestServer, id: string) =>
    (await server.app.db.q.selectFrom('meeting_admissions').select('holder').where('appointment_id', '=', id).execute()).map((r) => r.holder);

  /** A server with a call in which staff admitted the citizen; the server is stopped again by the caller. */
  async function admittedCall() {
    const server = await startTestServer({ clock: testClock(MONDAY) });
    const { id, token } = await book(server, await firstSlot(server.url));
    server.clock.set(DURING);
    const staff = await signIn(server, staffEmail.an);
    const citizen = await connectPeer(server, await joinAsHolder(server, token));
    await connectPeer(server, await joinAsStaff(staff, id));
    assert.equal((await staff.request(`/api/staff/appointments/${id}/admit`, { body: {} })).status, 204);
    assert.deepEqual(await holders(server, id), ['citizen']);
    return { server, id, token, citizen };
  }

  it('when the server restarts during the call, then admitted people rejoin straight into it; ending the meeting forgets them', async () => {
    const { server: first, id, token, citizen } = await admittedCall();
    let second: TestServer | undefined;
    try {
      await first.stop();
      assert.equal((await citizen.closed).code, 1006, 'the restart cut the socket');

      // Same data directory, a new process: the citizen's page joins again and is let straight in.
      second = await startTestServer({ clock: testClock(DURING), dataDir: first.dataDir });
      const rejoined = await joinAsHolder(second, token);
      assert.equal(rejoined.admitted, true);
      const back = await connectPeer(second, rejoined);
      const host = await connectPeer(second, await joinAsStaff(await signIn(second, staffEmail.an), id));
      host.signal('OFFER', back.join.peerId, { sdp: 'offer after restart' });
      assert.deepEqual((await back.next('OFFER')).payload, { sdp: 'offer after restart' });

      assert.deepEqual(await holders(second, id), ['citizen']);
      const staffAgain = await signIn(second, staffEmail.an);
      assert.equal((await staffAgain.request(`/api/staff/appointments/${id}/end`, { body: {} })).status, 204);
      assert.deepEqual(await holders(second, id), [], 'nothing kept once the meeting ended');
    } finally {
      await first.stop();
      await (second ?? first).cleanup();
    }
  });

  it('when the server starts after the window of a meeting nobody ended, then its admissions are gone', async () => {
    const { server: first, id } = await admittedCall();
    let later: TestServer | undefined;
    try {
      await first.stop();
      // The slot ended at 08:30 UTC; its meeting could be joined until 10:30.
      later = await startTestServer({ clock: testClock('2027-03-01T10:31:00Z'), dataDir: first.dataDir });
      assert.deepEqual(await holders(later, id), []);
    } finally {
      await first.stop();
      await (later ?? first).cleanup();
    }
  });
});

describe('meetings with TURN configured', () => {
  let server: TestServer;
  const secret = 'coturn-shared-secret-for-tests';
  before(async () => {
    server = await startTestServer({
      clock: testClock(MONDAY),
      env: { TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turns:turn.wilsede.invalid:5349', TURN_SECRET: secret },
    });
  });
  after(() => server.cleanup());

  it('when a citizen joins, then the ICE servers carry ephemeral TURN REST credentials for their peer id', async () => {
    const { token } = await book(server, await firstSlot(server.url));
    server.clock.set(DURING);
    const joined = await joinAsHolder(server, token);
    const expiry = Date.parse('2027-03-01T10:30:00Z') / 1000;
    const username = `${expiry}:${joined.peerId}`;
    assert.deepEqual(joined.iceServers, [
      {
        urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.wilsede.invalid:5349'],
        username,
        credential: createHmac('sha1', secret).update(username).digest('base64'),
      },
    ]);
    assert.equal(joined.iceTransportPolicy, 'all');
  });

  it('when TURN_RELAY_ONLY is set, then joins ask for relay-only ICE so nobody sees another participant\'s address', async () => {
    const relayOnly = await startTestServer({
      clock: testClock(MONDAY),
      env: { TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', TURN_SECRET: secret, TURN_RELAY_ONLY: 'true' },
    });
    try {
      const { token } = await book(relayOnly, await firstSlot(relayOnly.url));
      relayOnly.clock.set(DURING);
      const joined = await joinAsHolder(relayOnly, token);
      assert.equal(joined.iceTransportPolicy, 'relay');
      assert.equal(joined.iceServers.length, 1);
    } finally {
      await relayOnly.cleanup();
    }
  });
});
