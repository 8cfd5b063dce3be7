import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { connectPeer, joinAsHolder, joinAsStaff, upgradeStatus, type TestPeer } from '../../../../test-support/signal.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
/** "Still answers quickly": generous, since CI machines run other suites beside this one. */
const QUICK_MS = 2_000;
const DURING = '2027-03-01T07:55:00Z';
const UPGRADE_CASES = 400;
const FRAME_CASES = 150; // under the burst of 200, so the rate limit does not end the socket first

/** Milliseconds an HTTP request takes to be answered; it must be answered at all. */
async function httpLatency(server: TestServer): Promise<number> {
  const started = performance.now();
  const response = await api(server.url, '/api/services');
  assert.equal(response.status, 200);
  return performance.now() - started;
}

describe('reliability: signalling abuse', () => {
  let server: TestServer;
  let staff: StaffClient;
  let first: { id: string; token: string; companionToken: string };
  let second: { id: string; token: string };
  const open: TestPeer[] = [];

  /** The staff peer and the admitted citizen of one meeting. */
  async function meeting(appointment: { id: string; token: string }) {
    const host = await connectPeer(server, await joinAsStaff(staff, appointment.id));
    const citizen = await connectPeer(server, await joinAsHolder(server, appointment.token));
    const admitted = await staff.request(`/api/staff/appointments/${appointment.id}/admit`, { body: { peerId: citizen.join.peerId } });
    assert.ok([204, 404].includes(admitted.status), JSON.stringify(admitted.body)); // 404: admitted before, on a rejoin
    open.push(host, citizen);
    return { host, citizen };
  }

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    const slot = await firstSlot(server.url);
    const booked = await book(server, slot, { companion: { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' } });
    const invite = (await sentMails(server)).find((m) => m.to === 'jan@example.org')!;
    first = { ...booked, companionToken: linkToken(invite.text) };
    second = await book(server, slot, { citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } });
    server.clock.set(DURING);
    staff = await signIn(server, staffEmail.an);
  });
  after(async () => {
    for (const peer of open) peer.socket.terminate();
    await server.cleanup();
  });

  it(`when ${UPGRADE_CASES} generated upgrades come without a valid credential, then each is refused before PeerJS and none opens`, async () => {
    const joined = await joinAsHolder(server, first.token);
    const other = await joinAsHolder(server, second.token);
    const ws = server.url.replace(/^http/, 'ws');
    const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    const attempt = fc.record({
      path: fc.oneof(
        { weight: 8, arbitrary: fc.constant('/signal/peerjs') },
        { weight: 2, arbitrary: fc.constantFrom('/signal/peerjs/', '/signal//peerjs', '/signal/peerjs/../peerjs', '/Signal/peerjs', '/signal/peerjs%00', '/signal/balie/peerjs', '/peerjs', '/api/appointment', '/files', '/') },
      ),
      key: fc.oneof({ weight: 8, arbitrary: fc.constant('balie') }, { weight: 1, arbitrary: fc.constantFrom('peerjs', '', 'BALIE', 'balie\u0000') }),
      id: fc.oneof(fc.constant(joined.peerId), fc.constant(other.peerId), fc.constant(''), fc.stringMatching(/^[0-9a-f]{32}$/), fc.string({ maxLength: 80 }), fc.constant('../../etc/passwd')),
      token: fc.oneof(
        fc.constant(joined.credential),
        fc.constant(other.credential),
        fc.nat({ max: joined.credential.length - 1 }).map((i) => flip(joined.credential, i)),
        fc.nat({ max: joined.credential.length - 1 }).map((i) => joined.credential.slice(0, i)),
        fc.constant(first.token), // a personal link is not a signalling credential
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 2_049, max: 10_000 }).map((n) => 'A'.repeat(n)),
      ),
      origin: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(server.url, 'https://evil.example', 'null') }),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(attempt, async ({ path, key, id, token, origin }) => {
        const url = `${ws}${path}?${new URLSearchParams({ key, id, token })}`;
        const status = await upgradeStatus(url, origin ? { origin } : {});
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const canonical = new URL(path, 'http://x').pathname === '/signal/peerjs';
        const credentialOk = [joined, other].some((j) => id === j.peerId && token === j.credential);
        const valid = canonical && key === 'balie' && credentialOk && origin !== 'https://evil.example' && origin !== 'null';
        if (valid) assert.equal(status, 101);
        else assert.ok([400, 401, 403, 404].includes(status), `${status} for ${url.slice(0, 200)} origin ${origin}`);
      }),
      { numRuns: UPGRADE_CASES },
    );
    assert.ok((statuses.get(401) ?? 0) > 50, `forged credentials were tried: ${JSON.stringify([...statuses])}`);
    assert.ok((await httpLatency(server)) < QUICK_MS);
  });

  it('when peers signal across meetings, to waiting peers, as a waiting peer or with a forged src, then nothing arrives; within a meeting it does, from the real sender', async () => {
    const one = await meeting(first);
    const two = await meeting(second);
    await sleep(50); // meeting two's own comings settle before listening for stray notices
    for (const peer of [two.host, two.citizen]) peer.notices.length = 0;
    const waiting = await connectPeer(server, await joinAsHolder(server, first.companionToken));
    open.push(waiting);
    assert.equal(waiting.join.admitted, false, 'the companion waits to be admitted');
    await one.host.next('MEETING-CHANGED'); // meeting one hears that someone came
    const outsiders = [two.host, two.citizen];

    for (const target of [...outsiders, waiting]) {
      for (const type of ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']) one.host.signal(type, target.join.peerId, { sdp: 'not for you' });
    }
    waiting.signal('OFFER', one.host.join.peerId, { sdp: 'from the waiting room' });
    one.citizen.socket.send(JSON.stringify({ type: 'OFFER', dst: one.host.join.peerId, src: two.host.join.peerId, payload: { sdp: 'forged src' } }));
    const forged = await one.host.next('OFFER');
    assert.equal(forged.src, one.citizen.join.peerId, 'the server names the real sender');

    // Generated frames at the other meeting's peers: any type, any payload, never delivered.
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          type: fc.oneof(fc.constantFrom('OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE', 'HEARTBEAT', 'OPEN', 'ID-TAKEN', 'ERROR'), fc.string({ maxLength: 10 })),
          dst: fc.oneof(fc.constantFrom(...outsiders.map((p) => p.join.peerId), waiting.join.peerId), fc.string({ maxLength: 40 })),
          src: fc.option(fc.constantFrom(...outsiders.map((p) => p.join.peerId))),
          payload: fc.jsonValue({ maxDepth: 3 }),
        }),
        async (frame) => void one.citizen.socket.send(JSON.stringify(frame)),
      ),
      { numRuns: FRAME_CASES },
    );
    one.host.signal('OFFER', one.citizen.join.peerId, { sdp: 'same meeting' });
    assert.deepEqual((await one.citizen.next('OFFER')).payload, { sdp: 'same meeting' });
    await sleep(150); // messages of one socket are handled in order; a little slack covers the other sockets
    assert.deepEqual([...two.host.received, ...two.citizen.received, ...waiting.received], []);
    assert.deepEqual([...two.host.notices, ...two.citizen.notices], [], 'meeting one\'s comings are not told to meeting two');
    assert.deepEqual(one.host.received.filter((m) => m.type === 'OFFER'), [], 'nothing from the waiting room');
    assert.equal(one.citizen.socket.readyState, WebSocket.OPEN, 'dropped frames do not end the socket');
  });

  it('when five peers flood the server at once, then each is closed for rate, the victim gets at most a burst, and HTTP stays quick', async () => {
    const { host, citizen } = await meeting(first);
    const flooders = [citizen, ...(await Promise.all([0, 1, 2, 3].map(async () => connectPeer(server, await joinAsStaff(staff, second.id)))))];
    open.push(...flooders);
    const latencies: number[] = [];
    for (const peer of flooders) {
      const dst = peer === citizen ? host.join.peerId : peer.join.peerId;
      for (let i = 0; i < 5_000; i++) peer.socket.send(JSON.stringify({ type: 'OFFER', dst, payload: { n: i } }));
    }
    latencies.push(await httpLatency(server));
    const closed = await Promise.all(flooders.map((p) => p.closed));
    latencies.push(await httpLatency(server));
    assert.deepEqual(closed, flooders.map(() => ({ code: 1008, reason: 'rate_limited' })));
    await sleep(100);
    const relayed = host.received.filter((m) => m.type === 'OFFER').length;
    assert.ok(relayed <= 210, `the victim got ${relayed} of 5000 offers`);
    assert.ok(Math.max(...latencies) < QUICK_MS, `HTTP answered in ${latencies.map(Math.round).join(', ')} ms`);
  });

  it('when payloads are oversized or not valid UTF-8, then only that socket is closed, and the server stays quick', async () => {
    const { host, citizen } = await meeting(first);
    const big = await connectPeer(server, await joinAsStaff(staff, first.id));
    const huge = await connectPeer(server, await joinAsStaff(staff, first.id));
    const garbled = await connectPeer(server, await joinAsStaff(staff, first.id));
    open.push(big, huge, garbled);
    big.signal('OFFER', citizen.join.peerId, { sdp: 'x'.repeat(65 * 1024) });
    huge.socket.send(Buffer.alloc(16 * 1024 * 1024, 0x61)); // 16 MiB: refused by the frame header, never buffered
    garbled.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0xaf, 0x7d]), { binary: false });
    assert.equal((await big.closed).code, 1009);
    assert.equal((await huge.closed).code, 1009);
    assert.equal((await garbled.closed).code, 1007);
    assert.ok((await httpLatency(server)) < QUICK_MS);
    host.signal('OFFER', citizen.join.peerId, { sdp: 'still working' });
    assert.deepEqual((await citizen.next('OFFER')).payload, { sdp: 'still working' });
    assert.ok(!citizen.received.some((m) => JSON.stringify(m.payload ?? '').length > 60_000), 'the oversized offer never arrived');
  });
});

