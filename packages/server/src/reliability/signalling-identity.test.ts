import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, joinAsHolder, joinAsStaff, signalUrl, type MeetingJoin, type TestPeer } from '../../../../test-support/signal.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const DURING = '2027-03-01T07:55:00Z';

/** What the server answered an upgrade: OPEN/ID-TAKEN/ERROR from PeerJS, or the refusal's status and JSON. */
type UpgradeOutcome = { opened: string; socket: WebSocket } | { status: number; body: { error: { code: string; message: string } } };

function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.once('message', (data) => resolve({ opened: JSON.parse(String(data)).type, socket }));
    socket.on('error', reject);
  });
}

/** The signalling URL of `join` with raw query text appended, as an attacker would write it. */
const withExtra = (server: TestServer, join: MeetingJoin, extra: string) => `${signalUrl(server, join)}&${extra}`;

describe('reliability: who a signalling socket speaks for', () => {
  let server: TestServer;
  let staff: StaffClient;
  let visit: { id: string; token: string; companionToken: string; companionId: string };
  let crowded: { id: string; token: string };
  const open: (TestPeer | WebSocket)[] = [];
  const keep = <T extends TestPeer | WebSocket>(peer: T) => (open.push(peer), peer);

  async function addCompanion(appointment: { token: string }, name: string, email: string) {
    const added = await api(server.url, '/api/appointment/companions', { token: appointment.token, body: { name, email, role: 'family' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const invite = (await sentMails(server)).findLast((m) => m.to === email)!;
    return { companionId: added.body.id as string, companionToken: linkToken(invite.text) };
  }

  const meetingState = async (appointmentId: string) => (await staff.request(`/api/staff/appointments/${appointmentId}/meeting`)).body;

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    const slot = await firstSlot(server.url);
    const booked = await book(server, slot);
    visit = { ...booked, ...(await addCompanion(booked, 'Jan Claes', 'jan@example.org')) };
    crowded = await book(server, slot, { citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } });
    server.clock.set(DURING);
    staff = await signIn(server, staffEmail.an);
  });
  after(async () => {
    for (const peer of open) (peer instanceof WebSocket ? peer : peer.socket).terminate();
    await server.cleanup();
  });

  describe('repeated and unknown query parameters', () => {
    it('when id is repeated after a valid credential, then 400 and no socket opens under the other id', async () => {
      const mine = await joinAsHolder(server, visit.token);
      const victim = await joinAsStaff(staff, visit.id);
      for (const extra of [`id=${victim.peerId}`, `id=${victim.peerId}&token=squatter`, `token=squatter`, `key=balie`]) {
        const outcome = await tryUpgrade(withExtra(server, mine, extra));
        assert.ok('status' in outcome, `refused: ${extra}`);
        assert.equal(outcome.status, 400);
        assert.equal(outcome.body.error.code, 'bad_request');
      }
      assert.ok(!JSON.stringify(await meetingState(visit.id)).includes(victim.peerId), 'nobody signs in as the victim');
      // The real holder of the id gets OPEN, not ID-TAKEN: nobody squats it.
      const real = keep(await connectPeer(server, victim));
      assert.equal(real.socket.readyState, WebSocket.OPEN);
      real.close();
    });

    it('when a client adds parameters PeerJS does not read (its version), then the socket opens as the issued id', async () => {
      const join = await joinAsHolder(server, visit.token);
      const outcome = await tryUpgrade(withExtra(server, join, 'version=1.5.4'));
      assert.ok('opened' in outcome);
      assert.equal(outcome.opened, 'OPEN');
      const waiting = (await meetingState(visit.id)).waiting as { peerId: string }[];
      assert.ok(waiting.some((p) => p.peerId === join.peerId));
      outcome.socket.close();
    });
  });

  describe('reconnecting with the same peer id', () => {
    it('when a civil servant reconnects while the old socket is still open, then the new one gets OPEN and the old one is cut', async () => {
      const join = await joinAsStaff(staff, visit.id);
      const stale = keep(await connectPeer(server, join));
      // The old socket stops reading, as after a network change: it would never answer a close.
      (stale.socket as unknown as { _socket: Socket })._socket.pause();
      const again = keep(await connectPeer(server, join));
      assert.equal((await stale.closed).code, 1006);
      const citizen = keep(await connectPeer(server, await joinAsHolder(server, visit.token)));
      if (!citizen.join.admitted) {
        assert.equal((await staff.request(`/api/staff/appointments/${visit.id}/admit`, { body: { peerId: citizen.join.peerId } })).status, 204);
      }
      citizen.signal('OFFER', join.peerId, { sdp: 'to the reconnected civil servant' });
      assert.deepEqual((await again.next('OFFER')).payload, { sdp: 'to the reconnected civil servant' });
      for (const peer of [again, citizen]) peer.close();
    });

    it('when a citizen tried to squat the id of a dropped civil servant, then the civil servant still gets back in', async () => {
      const join = await joinAsStaff(staff, visit.id);
      const first = await connectPeer(server, join);
      first.close();
      await first.closed;
      const citizen = await joinAsHolder(server, visit.token);
      const squat = await tryUpgrade(withExtra(server, citizen, `id=${join.peerId}&token=squatter`));
      assert.ok('status' in squat && squat.status === 400);
      const back = keep(await connectPeer(server, join));
      assert.equal(back.socket.readyState, WebSocket.OPEN);
      back.close();
    });
  });

  describe('the waiting room', () => {
    it('when someone waits, then the meeting state shows them no participants; once admitted it shows them all', async () => {
      const host = keep(await connectPeer(server, await joinAsStaff(staff, visit.id)));
      const companion = keep(await connectPeer(server, await joinAsHolder(server, visit.companionToken)));
      assert.equal(companion.join.admitted, false);
      const waiting = await api(server.url, `/api/meeting/state?peerId=${companion.join.peerId}`, { token: visit.companionToken });
      assert.equal(waiting.status, 200);
      assert.deepEqual(waiting.body.participants, []);
      assert.ok(!JSON.stringify(waiting.body).includes(host.join.peerId), 'no peer id leaks to the waiting room');

      assert.equal((await staff.request(`/api/staff/appointments/${visit.id}/admit`, { body: { peerId: companion.join.peerId } })).status, 204);
      const admitted = await api(server.url, '/api/meeting/state', { token: visit.companionToken });
      assert.equal(admitted.body.admitted, true);
      const ids = (admitted.body.participants as { peerId: string }[]).map((p) => p.peerId);
      assert.ok(ids.includes(host.join.peerId) && ids.includes(companion.join.peerId), JSON.stringify(ids));
      host.close();
      companion.close();
    });
  });

  describe('a removed companion', () => {
    it('when the citizen removes a companion during the call, then the companion socket closes, leaves the list and the admission', async () => {
      const host = keep(await connectPeer(server, await joinAsStaff(staff, visit.id)));
      const citizen = keep(await connectPeer(server, await joinAsHolder(server, visit.token)));
      const companion = keep(await connectPeer(server, await joinAsHolder(server, visit.companionToken)));
      await staff.request(`/api/staff/appointments/${visit.id}/admit`, { body: {} });
      assert.ok((await meetingState(visit.id)).participants.some((p: { peerId: string }) => p.peerId === companion.join.peerId));

      const removed = await api(server.url, `/api/appointment/companions/${visit.companionId}`, { method: 'DELETE', token: visit.token });
      assert.equal(removed.status, 204);
      assert.deepEqual(await companion.closed, { code: 4001, reason: 'not_invited' });
      const state = await meetingState(visit.id);
      assert.ok(![...state.participants, ...state.waiting].some((p: { role: string }) => p.role === 'companion'), JSON.stringify(state));
      const admissions = (await server.app.db.q.selectFrom('meeting_admissions').select('holder').where('appointment_id', '=', visit.id).execute()).map((a) => a.holder);
      assert.ok(!admissions.includes(`companion:${visit.companionId}`), JSON.stringify(admissions));
      // Their credential no longer opens a socket; the others stay in the call.
      const again = await tryUpgrade(signalUrl(server, companion.join));
      assert.ok('status' in again && again.status === 401);
      assert.equal(host.socket.readyState, WebSocket.OPEN);
      assert.equal(citizen.socket.readyState, WebSocket.OPEN);
      host.signal('OFFER', citizen.join.peerId, { sdp: 'still in the call' });
      assert.deepEqual((await citizen.next('OFFER')).payload, { sdp: 'still in the call' });
    });
  });

  describe('caps per link and per meeting', () => {
    it('when one link opens 40 sockets at once, then 3 open, the rest get 429, and closing one lets the next in', async () => {
      const joins = await Promise.all(Array.from({ length: 40 }, () => joinAsHolder(server, crowded.token)));
      const outcomes = await Promise.all(joins.map((join) => tryUpgrade(signalUrl(server, join))));
      const opened = outcomes.filter((o): o is Extract<UpgradeOutcome, { opened: string }> => 'opened' in o);
      const refused = outcomes.filter((o): o is Extract<UpgradeOutcome, { status: number }> => 'status' in o);
      open.push(...opened.map((o) => o.socket));
      assert.deepEqual(opened.map((o) => o.opened), ['OPEN', 'OPEN', 'OPEN']);
      assert.equal(refused.length, 37);
      assert.ok(refused.every((o) => o.status === 429 && o.body.error.code === 'too_many_connections'), JSON.stringify(refused[0]));
      assert.match(refused[0]!.body.error.message, /another tab or window/);
      assert.equal((await meetingState(crowded.id)).waiting.length, 3, 'at most three waiting-room entries');

      opened[0]!.socket.close();
      await new Promise((resolve) => opened[0]!.socket.once('close', resolve));
      keep(await connectPeer(server, await joinAsHolder(server, crowded.token)));
    });

    it('when the citizen and two companions hold 8 sockets, then a 9th is refused as meeting_full; staff still get in', async () => {
      const first = await addCompanion(crowded, 'Els Maes', 'els@example.org');
      const second = await addCompanion(crowded, 'Tom Maes', 'tom@example.org');
      for (let i = 0; i < 3; i++) keep(await connectPeer(server, await joinAsHolder(server, first.companionToken)));
      for (let i = 0; i < 2; i++) keep(await connectPeer(server, await joinAsHolder(server, second.companionToken)));
      const full = await tryUpgrade(signalUrl(server, await joinAsHolder(server, second.companionToken)));
      assert.ok('status' in full);
      assert.equal(full.status, 429);
      assert.equal(full.body.error.code, 'meeting_full');
      const host = keep(await connectPeer(server, await joinAsStaff(staff, crowded.id)));
      assert.equal(host.socket.readyState, WebSocket.OPEN);
      assert.equal((await meetingState(crowded.id)).waiting.length, 8);
    });
  });
});
