// Signalling capacity of one server process, on loopback:
// - signalling.peers_held: authenticated PeerJS WebSockets (each waits for OPEN) held at once, up to
//   5,000, vs plain `ws` connections to a bare `ws` server (a child process too) in the same run.
// - signalling.rss_per_peer_kib: (RSS with N peers − RSS before) / N of the server process, read from
//   /proc/<pid>/status, vs the same for the bare `ws` server with the same N.
// Credentials are minted in this process with the app's own issuer (meetings/credentials.ts) and the
// server's TOKEN_SECRET, for one real appointment booked through the API, as the signed-in staff
// member: exactly what POST /api/staff/appointments/:id/join hands out, without 5,000 HTTP joins.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { newPeerId, peerCredentials } from '../packages/server/src/meetings/credentials.ts';
import { SIGNAL } from '../packages/server/src/meetings/service.ts';
import { startChildServer, type ChildServer } from '../test-support/child-server.ts';
import { api, bookingBody, freePort } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { figure, type Benchmark } from './table.ts';

const TARGET = Number(process.env.BENCH_SIGNAL_PEERS ?? 5000);
const CONCURRENCY = 100;
/**
 * The peers are spread over this many meetings. A meeting is a mesh of at most four people; one
 * meeting of 5,000 made every connection recompute a presence list of thousands (quadratic in N),
 * which measured a load the product never meets.
 */
const MEETINGS = 50;
const WARMUP = 100;
const CONNECT_BUDGET_MS = 40_000;
const TOKEN_SECRET = 'bench-signalling-token-secret-0123456789abcdef';
const root = fileURLToPath(new URL('..', import.meta.url));

export const rssKib = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
};
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens one socket; resolves once it is usable (`ready`), rejects on refusal, error or 10 s. */
export function open(url: string, waitForPeerOpen: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => fail(new Error('no answer within 10 s')), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const done = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    socket.on('unexpected-response', (_req, res) => fail(new Error(`upgrade refused with ${res.statusCode}`)));
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed before ready')));
    if (waitForPeerOpen) socket.on('message', (data) => String(data).includes('"OPEN"') && done());
    else socket.on('open', done);
  });
}

/**
 * Opens up to `count` sockets, `concurrency` (default `CONCURRENCY`) at a time, within the time
 * budget (default `CONNECT_BUDGET_MS`); stops at the first refusals.
 */
export async function openMany(
  count: number,
  url: () => string,
  waitForPeerOpen: boolean,
  { concurrency = CONCURRENCY, budgetMs = CONNECT_BUDGET_MS }: { concurrency?: number; budgetMs?: number } = {},
) {
  const sockets: WebSocket[] = [];
  const errors: string[] = [];
  const deadline = Date.now() + budgetMs;
  let next = 0;
  const worker = async () => {
    while (next < count && errors.length < 20 && Date.now() < deadline) {
      next++;
      try {
        sockets.push(await open(url(), waitForPeerOpen));
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sockets, errors, timedOut: Date.now() >= deadline && sockets.length < count };
}

export async function closeAll(sockets: WebSocket[]) {
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.readyState === WebSocket.CLOSED) return resolve();
          s.once('close', () => resolve());
          s.terminate();
        }),
    ),
  );
}

/** Warm-up, RSS before, N sockets, RSS after: for one server process. */
async function measure(pid: number, url: () => string, waitForPeerOpen: boolean) {
  await closeAll((await openMany(WARMUP, url, waitForPeerOpen)).sockets);
  await sleep(1000);
  const before = rssKib(pid);
  const started = Date.now();
  const { sockets, errors, timedOut } = await openMany(TARGET, url, waitForPeerOpen);
  const seconds = (Date.now() - started) / 1000;
  await sleep(1500);
  // Every socket must still be open: held, not only opened.
  const held = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  const after = rssKib(pid);
  await closeAll(sockets);
  return { held, perPeerKib: (after - before) / Math.max(1, held), before, after, errors, timedOut, seconds };
}

/** A bare `ws` server in its own process, the baseline. */
async function startBareWs() {
  // The ws our server uses (8.x; the root's hoisted ws is 7.x, from the test runner).
  const ws = createRequire(join(root, 'packages/server/package.json')).resolve('ws');
  const script =
    `const { WebSocketServer } = require(${JSON.stringify(ws)});` +
    "const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });" +
    "wss.on('listening', () => console.log('port ' + wss.address().port));" +
    "process.on('SIGTERM', () => process.exit(0));";
  const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error('the bare ws server exited')));
  });
  return {
    pid: child.pid!,
    url: `ws://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

export const signalling: Benchmark = {
  name: 'signalling',
  ids: ['signalling.peers_held', 'signalling.rss_per_peer_kib'],
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'balie-bench-signal-'));
    let server: ChildServer | undefined;
    let bare: Awaited<ReturnType<typeof startBareWs>> | undefined;
    try {
      server = await startChildServer({ dataDir, port: await freePort(), env: { TOKEN_SECRET } });
      // Real video appointments and the staff member who joins them, through the API.
      const { body: listed } = await api(server.url, '/api/services/mantelzorgpremie/slots?channel=video&days=28');
      const slots = (listed.slots ?? []) as Parameters<typeof bookingBody>[0][];
      if (slots.length < MEETINGS) throw new Error(`only ${slots.length} video slots to book`);
      const meetingIds: string[] = [];
      for (const slot of slots.slice(0, MEETINGS)) {
        const booked = await api(server.url, '/api/appointments', { body: bookingBody(slot) });
        if (booked.status !== 201) throw new Error(`booking failed: ${JSON.stringify(booked.body)}\n${server.output.join('').slice(-2000)}`);
        meetingIds.push(booked.body.appointment.id as string);
      }
      const login = await api(server.url, '/api/staff/login', { body: { email: staffEmail.an, password: DEMO_PASSWORD } });
      if (login.status !== 200) throw new Error(`staff sign-in failed: ${JSON.stringify(login.body)}`);
      const grant = (meetingId: string) => ({
        meetingId,
        role: 'staff' as const,
        holder: `staff:${login.body.staff.id as string}`,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      });
      const credentials = peerCredentials(TOKEN_SECRET);
      const base = server.url.replace(/^http/, 'ws');
      let issued = 0;
      const peerUrl = () => {
        const id = newPeerId();
        const query = new URLSearchParams({ key: SIGNAL.key, id, token: credentials.issue(id, grant(meetingIds[issued++ % MEETINGS]!)) });
        return `${base}${SIGNAL.path}/peerjs?${query}`;
      };
      const ours = await measure(server.pid, peerUrl, true);
      server.kill('SIGTERM');
      await server.exited;
      server = undefined;

      bare = await startBareWs();
      const bareUrl = bare.url;
      const theirs = await measure(bare.pid, () => bareUrl, false);

      const why = (m: typeof ours) =>
        m.held >= TARGET ? '' : `; stopped at ${m.held}: ${m.timedOut ? `time budget of ${CONNECT_BUDGET_MS / 1000} s` : (m.errors[0] ?? 'sockets closed')}`;
      return [
        figure({
          id: 'signalling.peers_held',
          ours: ours.held,
          baseline: theirs.held,
          target: { on: 'ours', atLeast: TARGET },
          unit: 'sockets',
          note: `authenticated PeerJS sockets (OPEN received) to one child server process, opened in ${ours.seconds.toFixed(1)} s, ${CONCURRENCY} at a time, staff peers spread over ${MEETINGS} meetings; baseline: bare ws server${why(ours)}`,
        }),
        figure({
          id: 'signalling.rss_per_peer_kib',
          ours: ours.perPeerKib,
          baseline: theirs.perPeerKib,
          target: { on: 'ours', atMost: 20 },
          unit: 'KiB',
          note: `(VmRSS with ${ours.held} peers − before) / N: ${ours.before}→${ours.after} KiB; bare ws with ${theirs.held}: ${theirs.before}→${theirs.after} KiB`,
        }),
      ];
    } finally {
      if (server) {
        server.kill('SIGTERM');
        const forced = setTimeout(() => server?.kill('SIGKILL'), 5000);
        await server.exited;
        clearTimeout(forced);
      }
      await bare?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
