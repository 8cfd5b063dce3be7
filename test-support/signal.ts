import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { book } from './booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from './server.ts';
import { signIn, staffEmail, type StaffClient } from './staff.ts';

/** Monday 1 March 2027 before opening, and 08:55 local: inside the window of its first video slot. */
export const MONDAY = '2027-03-01T06:00:00Z';
export const DURING = '2027-03-01T07:55:00Z';

/**
 * Two video appointments at the same time (two staff members, so two meetings), the clock inside
 * their window, and An signed in: what the signalling tests attack across meetings.
 */
export async function twoMeetings() {
  const server = await startTestServer({ clock: testClock(MONDAY) });
  const slot = await firstSlot(server.url);
  const first = await book(server, slot);
  const second = await book(server, slot, { citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } });
  server.clock.set(DURING);
  const staff = await signIn(server, staffEmail.an);
  return { server, staff, first, second };
}

/** The body of POST /api/meeting/join and POST /api/staff/appointments/:id/join. */
export interface MeetingJoin {
  meetingId: string;
  peerId: string;
  credential: string;
  role: 'staff' | 'citizen' | 'companion';
  name: string;
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  iceTransportPolicy: 'all' | 'relay';
  signal: { path: string; key: string };
  admitted: boolean;
}

/** Joins with a personal link token and expects 200. */
export async function joinAsHolder(server: TestServer, token: string): Promise<MeetingJoin> {
  const response = await api(server.url, '/api/meeting/join', { method: 'POST', token });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** Joins as the signed-in staff member and expects 200. */
export async function joinAsStaff(staff: StaffClient, appointmentId: string): Promise<MeetingJoin> {
  const response = await staff.request(`/api/staff/appointments/${appointmentId}/join`, { method: 'POST' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/**
 * The PeerJS WebSocket address for a join, as our widget builds it: with `meeting`, by which a load
 * balancer routes the meeting's sockets to one instance (`meeting: null` leaves it out, as an older widget).
 */
export function signalUrl(server: TestServer, join: MeetingJoin, params: { id?: string; token?: string; key?: string; meeting?: string | null } = {}) {
  const url = new URL(`${join.signal.path}/peerjs`, server.url.replace(/^http/, 'ws'));
  const query = new URLSearchParams({ key: params.key ?? join.signal.key, id: params.id ?? join.peerId, token: params.token ?? join.credential });
  const meeting = params.meeting === undefined ? join.meetingId : params.meeting;
  if (meeting !== null) query.set('meeting', meeting);
  url.search = query.toString();
  return url.toString();
}

/**
 * Opens a WebSocket and resolves with the HTTP status of the answer: 101 when the upgrade was
 * accepted (the socket is closed again), else the status of the refusal.
 */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

export interface TestPeer {
  join: MeetingJoin;
  socket: WebSocket;
  /** Every relayed message received after OPEN, in order. */
  received: { type: string; src?: string; dst?: string; payload?: unknown }[];
  /** The server's own MEETING-CHANGED notices, kept apart from relayed signals. */
  notices: { type: string; src?: string }[];
  /** Resolves with the next message of this type from `src` (when given), or rejects after `timeoutMs`. */
  next(type: string, opts?: { src?: string; timeoutMs?: number }): Promise<{ type: string; src?: string; payload?: unknown }>;
  signal(type: string, dst: string, payload?: unknown): void;
  /** Resolves with the close code and reason once the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Connects a peer to signalling and waits for PeerJS's OPEN. */
export function connectPeer(server: TestServer, join: MeetingJoin): Promise<TestPeer> {
  const socket = new WebSocket(signalUrl(server, join));
  const received: TestPeer['received'] = [];
  const notices: TestPeer['notices'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const peer: TestPeer = {
    join,
    socket,
    received,
    notices,
    closed,
    async next(type, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 2000);
      const list = type === 'MEETING-CHANGED' ? notices : received;
      for (;;) {
        const index = list.findIndex((m) => m.type === type && (opts.src === undefined || m.src === opts.src));
        if (index >= 0) return list.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`no ${type} for ${join.name} within ${opts.timeoutMs ?? 2000} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    signal: (type, dst, payload = { sdp: 'v=0' }) => socket.send(JSON.stringify({ type, dst, payload })),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'OPEN') resolve(peer);
      else if (message.type === 'MEETING-CHANGED') notices.push(message);
      else received.push(message);
    });
    socket.on('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
    socket.on('error', reject);
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before OPEN`)));
  });
}
