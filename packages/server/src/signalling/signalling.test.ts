import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, DURING, joinAsHolder, joinAsStaff, MONDAY, signalUrl, twoMeetings, upgradeStatus, type MeetingJoin, type TestPeer } from '../../../../test-support/signal.ts';
import type { StaffClient } from '../../../../test-support/staff.ts';


describe('signalling', () => {
  let server: TestServer;
  let staff: StaffClient;
  /** Two video appointments at the same time, with two staff members: two meetings. */
  let first: { id: string; token: string };
  let second: { id: string; token: string };
  before(async () => {
    ({ server, staff, first, second } = await twoMeetings());
  });
  after(() => server.cleanup());

  /** A staff peer and the admitted citizen of one meeting. */
  async function meeting(appointment: { id: string; token: string }): Promise<{ host: TestPeer; citizen: TestPeer }> {
    const host = await connectPeer(server, await joinAsStaff(staff, appointment.id));
    const citizen = await connectPeer(server, await joinAsHolder(server, appointment.token));
    if (!citizen.join.admitted) {
      const admitted = await staff.request(`/api/staff/appointments/${appointment.id}/admit`, { body: { peerId: citizen.join.peerId } });
      assert.equal(admitted.status, 204);
    }
    return { host, citizen };
  }

  describe('the WebSocket upgrade', () => {
    let joined: MeetingJoin;
    before(async () => (joined = await joinAsHolder(server, first.token)));

    it('when the credential is valid, then 101 and PeerJS answers OPEN', async () => {
      assert.equal(await upgradeStatus(signalUrl(server, joined)), 101);
      const peer = await connectPeer(server, await joinAsHolder(server, first.token));
      peer.close();
    });

    it('when id, token or key is missing or wrong, then 400', async () => {
      const base = `${server.url.replace(/^http/, 'ws')}/signal/peerjs`;
      assert.equal(await upgradeStatus(base), 400);
      assert.equal(await upgradeStatus(signalUrl(server, joined, { key: 'peerjs' })), 400);
      assert.equal(await upgradeStatus(signalUrl(server, joined, { token: '' })), 400);
    });

    it('when the credential is forged or belongs to another peer id, then 401', async () => {
      assert.equal(await upgradeStatus(signalUrl(server, joined, { token: 'forged' })), 401);
      assert.equal(await upgradeStatus(signalUrl(server, joined, { token: `${joined.credential.split('.')[0]}.AAAA` })), 401);
      const other = await joinAsHolder(server, first.token);
      assert.equal(await upgradeStatus(signalUrl(server, joined, { id: other.peerId })), 401);
    });

    it('when a page of another site opens the socket, then 403; our own origin is fine', async () => {
      assert.equal(await upgradeStatus(signalUrl(server, joined), { origin: 'https://evil.example' }), 403);
      assert.equal(await upgradeStatus(signalUrl(server, joined), { origin: server.url }), 101);
    });

    it('when another site also sends its own name as Host, then still 403: only PUBLIC_URL and ALLOWED_ORIGINS count', async () => {
      for (const origin of ['https://evil.example', 'http://evil.example']) {
        assert.equal(await upgradeStatus(signalUrl(server, joined), { origin, host: 'evil.example' }), 403);
      }
    });

    it('when the upgrade is for another path, then 404', async () => {
      assert.equal(await upgradeStatus(`${server.url.replace(/^http/, 'ws')}/api/appointment`), 404);
    });
  });

  describe('HTTP under /signal', () => {
    it('when asked, then the PeerJS server answers, without peer discovery or ids we did not issue, and errors are our JSON', async () => {
      const info = await api(server.url, '/signal/');
      assert.equal(info.status, 200);
      assert.equal(info.body.name, 'PeerJS Server');
      for (const path of ['/signal/balie/peers', '/signal/balie/id', '/signal/nothing']) {
        const answer = await api(server.url, path);
        assert.equal(answer.status, 404, path);
        assert.equal(answer.body.error.code, 'not_found', path);
        assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      }
    });

    it('when a page of another site asks, then no CORS header lets it read the answer; our own origin may; no X-Powered-By', async () => {
      const evil = await api(server.url, '/signal/', { headers: { origin: 'https://evil.example' } });
      assert.equal(evil.headers.get('access-control-allow-origin'), null);
      const preflight = await api(server.url, '/signal/', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      const own = await api(server.url, '/signal/', { headers: { origin: server.url } });
      assert.equal(own.headers.get('access-control-allow-origin'), server.url);
      for (const answer of [evil, preflight, own, await api(server.url, '/signal/balie/peers')]) {
        assert.equal(answer.headers.get('x-powered-by'), null);
      }
    });
  });

  describe('relaying', () => {
    it('when a peer signals a peer of another meeting, then the message never arrives; within its meeting it does', async () => {
      const one = await meeting(first);
      const two = await meeting(second);
      one.host.signal('OFFER', two.host.join.peerId, { sdp: 'to another meeting' });
      one.host.signal('OFFER', two.citizen.join.peerId, { sdp: 'to another meeting' });
      one.citizen.signal('CANDIDATE', two.host.join.peerId, { candidate: 'to another meeting' });
      one.host.signal('OFFER', one.citizen.join.peerId, { sdp: 'same meeting' });
      const offer = await one.citizen.next('OFFER');
      assert.deepEqual(offer.payload, { sdp: 'same meeting' });
      // Messages of one socket are handled in order; a little slack covers the other sockets.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual([...two.host.received, ...two.citizen.received], []);
      for (const peer of [one.host, one.citizen, two.host, two.citizen]) peer.close();
    });

    it('when a message is larger than 64 KiB, then the socket is closed with 1009', async () => {
      const peer = await connectPeer(server, await joinAsStaff(staff, first.id));
      peer.signal('OFFER', peer.join.peerId, { sdp: 'x'.repeat(65 * 1024) });
      assert.equal((await peer.closed).code, 1009);
    });

    it('when a peer floods the server, then its socket is closed with 1008', async () => {
      const peer = await connectPeer(server, await joinAsStaff(staff, first.id));
      for (let i = 0; i < 1000; i++) peer.socket.send(JSON.stringify({ type: 'HEARTBEAT' }));
      assert.deepEqual(await peer.closed, { code: 1008, reason: 'rate_limited' });
    });

    it('when a message is not JSON or binary, then it is dropped and the socket stays open', async () => {
      const { host, citizen } = await meeting(first);
      host.socket.send('{not json');
      host.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      host.signal('OFFER', citizen.join.peerId, { sdp: 'still here' });
      assert.deepEqual((await citizen.next('OFFER')).payload, { sdp: 'still here' });
      host.close();
      citizen.close();
    });
  });

  describe('stopping the app', () => {
    it('when the app stops, then every signalling socket is closed at once', async () => {
      const other = await startTestServer({ clock: testClock(MONDAY) });
      try {
        const appointment = await book(other, await firstSlot(other.url));
        other.clock.set(DURING);
        const peer = await connectPeer(other, await joinAsHolder(other, appointment.token));
        const started = Date.now();
        await other.stop();
        await peer.closed;
        assert.ok(Date.now() - started < 1000, `stopped in ${Date.now() - started} ms`);
      } finally {
        await other.cleanup();
      }
    });
  });
});
