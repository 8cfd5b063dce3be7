// Scale-out on PostgreSQL, with the instances as an operator runs them: main.ts processes on one
// schema behind HAProxy with exactly deploy/haproxy.cfg (test-support/cluster.ts), on loopback.
// - booking.writes_per_s_pg: successful bookings/s through POST /api/appointments via HAProxy to one
//   instance, vs plain INSERTs/s into PostgreSQL with as many in flight, same run.
// - booking.scale_2_instances_ratio: the same load via HAProxy to two instances vs to one. The second
//   instance is frozen (SIGSTOP) until HAProxy's health checks take it out, and thawed (SIGCONT)
//   until they bring it back, so both measurements run on warm processes. Order 1, 2, 2, 1: a busy
//   moment of the shared machine falls on both sides alike.
// - signalling.peers_held_2_instances: authenticated PeerJS sockets held at once, half to each
//   instance's own port (HAProxy's maxconn of 8000 is below the target), vs all of them to one.
// The booking client runs in a child process (bench/load.ts); the sockets' client is this process
// (at most 10,000 sockets, under its file descriptor limit of 20,000).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { changeFeed } from '../packages/server/src/db/change-feed.ts';
import { openDatabase } from '../packages/server/src/db/database.ts';
import { createEventBus } from '../packages/server/src/events.ts';
import { newPeerId, peerCredentials } from '../packages/server/src/meetings/credentials.ts';
import { SIGNAL } from '../packages/server/src/meetings/service.ts';
import { clusterDatabaseUrl, startCluster, type Cluster } from '../test-support/cluster.ts';
import { addTeamService, citizen } from './fixtures.ts';
import { postFromChild } from './load.ts';
import { elapsedMs, httpClient } from './measure.ts';
import { closeAll, openMany, sleep } from './signalling.ts';
import { figure, type Benchmark, type Figure } from './table.ts';

const SERVICE = 'bench-scale';
const STAFF = 40;
/** Each listed time is booked this often: fewer than the staff who offer it, so every booking succeeds. */
const PER_SLOT = 6;
/** Bookings per measured load; four loads (1, 2, 2, 1 instances) plus a warm-up. */
const BOOKINGS = Number(process.env.BENCH_SCALE_BOOKINGS ?? 400);
const WARMUP = 100;
/** In flight from the client: enough to keep two instances busy. */
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 16);
const LOAD_TIMEOUT_MS = 60_000;
const PEERS = Number(process.env.BENCH_SCALE_PEERS ?? 10_000);
/** Peers per meeting stay at 100, as in bench/signalling.ts (a meeting is a mesh of at most four). */
const MEETINGS = Math.max(2, Math.ceil(PEERS / 100));
const PEER_BUDGET_MS = 90_000;

type Slot = { start: string; channel: 'video' | 'counter'; locationId: string | null };
type Body = ReturnType<typeof citizen> & Slot & { serviceId: string };

export const scaleOut: Benchmark = {
  name: 'scale-out',
  ids: ['booking.writes_per_s_pg', 'booking.scale_2_instances_ratio', 'signalling.peers_held_2_instances'],
  timeLimitMs: 240_000,
  async run() {
    // The production interval for reminders, not the tests' 500 ms: no benchmark here is about them.
    const cluster = await startCluster({ instances: 2, env: { REMINDER_INTERVAL_MS: '30000' } });
    try {
      const { loads, meetings } = await prepare(cluster);
      const bookings = await bookingFigures(cluster, loads);
      return [...bookings, await peersHeld(cluster, meetings)];
    } finally {
      // A frozen instance must be thawed to die of SIGTERM; stop() kills by PID with SIGKILL anyway.
      cluster.instances[1]!.server?.kill('SIGCONT');
      await cluster.stop();
    }
  },
};

/**
 * The bench service written through the product's own Db handle on the cluster's schema, its write
 * told to the instances by the product's change feed (their slot caches drop what they listed);
 * then the bodies of every load and the video appointments the peers join.
 */
async function prepare(cluster: Cluster) {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-bench-scale-'));
  const db = openDatabase({ dataDir, databaseUrl: clusterDatabaseUrl, schema: cluster.schema });
  const feed = changeFeed(db, createEventBus(), () => {});
  try {
    await db.ready();
    await feed.start();
    await addTeamService(db, {
      serviceId: SERVICE,
      staff: STAFF,
      service: { durationMin: 10, bufferAfterMin: 0, noticeMin: 0, horizonDays: 90, intake: [] },
    });
    await sleep(300); // the feed tells the other instances every 50 ms
  } finally {
    await feed.stop();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const client = httpClient(cluster.url);
  try {
    const listed = await client.get(`/api/services/${SERVICE}/slots?days=62`);
    if (listed.status !== 200) throw new Error(`slots: ${listed.status} ${listed.body.slice(0, 200)}`);
    // The instances run on the real clock: leave out the next hour, which passes during the run.
    const from = Date.now() + 3_600_000;
    const slots = (JSON.parse(listed.body) as { slots: Slot[] }).slots.filter((slot) => Date.parse(slot.start) > from);
    // Slot after slot, then all of them again: bookings in flight at once are for different times.
    // Six at once for one time would wait on each other's uncommitted claim (PostgreSQL's unique
    // index), a race the product handles but not the load a municipality sees.
    const all: Body[] = Array.from({ length: PER_SLOT }, () => slots)
      .flat()
      .map(({ start, channel, locationId }, i) => ({ serviceId: SERVICE, start, channel, locationId, ...citizen(i) }));
    const video = all.filter((body) => body.channel === 'video').slice(-MEETINGS);
    const rest = all.filter((body) => !video.includes(body));
    const needed = WARMUP + 4 * BOOKINGS;
    if (video.length < MEETINGS || rest.length < needed) throw new Error(`only ${all.length} bookable slots (${needed + MEETINGS} needed)`);
    const loads = { warmup: rest.slice(0, WARMUP), measured: [0, 1, 2, 3].map((i) => rest.slice(WARMUP + i * BOOKINGS, WARMUP + (i + 1) * BOOKINGS)) };
    const meetings: string[] = [];
    for (const body of video) {
      const booked = await client.post('/api/appointments', body);
      if (booked.status !== 201) throw new Error(`video booking: ${booked.status} ${booked.body.slice(0, 200)}`);
      meetings.push((JSON.parse(booked.body) as { appointment: { id: string } }).appointment.id);
    }
    return { loads, meetings };
  } finally {
    client.close();
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** Waits until the instances' outbox workers have sent every queued mail (failed ones aside). */
async function mailsSent(schema: string) {
  const client = new pg.Client({ connectionString: clusterDatabaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.mail_outbox WHERE failed_at IS NULL`);
      if (Number(rows[0]!.n) === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0]!.n} mails still queued after 60 s`);
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

/**
 * One load through HAProxy; every booking must be answered 201. The rate counts up to the last
 * answer; the instances' CPU per booking counts until its mails are sent too (each load starts with
 * an empty outbox, so no load pays for another's mails).
 */
async function bookThrough(cluster: Cluster, bodies: Body[]) {
  const pids = cluster.instances.flatMap((instance) => (instance.server ? [instance.server.pid] : []));
  const cpuBefore = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const load = await postFromChild({ url: cluster.url, path: '/api/appointments', bodies, concurrency: CONCURRENCY }, LOAD_TIMEOUT_MS);
  const booked = load.statuses[201] ?? 0;
  if (booked !== bodies.length) {
    throw new Error(`${bodies.length - booked} of ${bodies.length} bookings not answered 201 (${JSON.stringify(load.statuses)}), first: ${load.firstOther}`);
  }
  await mailsSent(cluster.schema);
  return { rate: (bodies.length / load.elapsedMs) * 1000, cpuMs: (pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - cpuBefore) / bodies.length };
}

async function bookingFigures(cluster: Cluster, loads: { warmup: Body[]; measured: Body[][] }): Promise<Figure[]> {
  const second = cluster.instances[1]!;
  const freeze = async () => {
    second.server!.kill('SIGSTOP');
    await cluster.waitForState(2, 'DOWN', 30_000);
  };
  const thaw = async () => {
    second.server!.kill('SIGCONT');
    await cluster.waitForState(2, 'UP', 30_000);
  };
  const loadBefore = loadavg()[0]!;
  const baseline = await plainInsertsPerSecond(cluster.schema, BOOKINGS);
  await bookThrough(cluster, loads.warmup); // both instances, round robin
  await freeze();
  const one = [await bookThrough(cluster, loads.measured[0]!)];
  await thaw();
  const two = [await bookThrough(cluster, loads.measured[1]!), await bookThrough(cluster, loads.measured[2]!)];
  await freeze();
  one.push(await bookThrough(cluster, loads.measured[3]!));
  await thaw();
  const cpuMsOf = (list: typeof one) => list.map((m) => m.cpuMs.toFixed(1)).join(' and ');
  const cpuNote = `; the instances' CPU per booking, its mail sent included (user + system) ${cpuMsOf(one)} ms with 1, ${cpuMsOf(two)} ms with 2`;
  const mean = (rates: number[]) => rates.reduce((a, b) => a + b, 0) / rates.length;
  const [rateOne, rateTwo] = [mean(one.map((m) => m.rate)), mean(two.map((m) => m.rate))];
  const rates = (list: typeof one) => list.map((m) => m.rate.toFixed(0)).join(' and ');
  const shared =
    `everything shares this machine’s 2 cores: PostgreSQL, HAProxy, the instances and the client process, so a second instance adds no CPU of its own ` +
    `(1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after)`;
  return [
    figure({
      id: 'booking.writes_per_s_pg',
      ours: rateOne,
      baseline,
      target: { on: 'ours', atLeast: 200 },
      unit: 'bookings/s',
      note:
        `one main.ts instance on PostgreSQL behind HAProxy (deploy/haproxy.cfg), ${BOOKINGS} bookings twice (${rates(one)}/s), all 201, ` +
        `${CONCURRENCY} in flight from a separate client process, ${STAFF} staff; each committed with its claims, reminders and queued mail; ` +
        `baseline: single-row INSERTs of appointment-like rows, ${CONCURRENCY} connections, one commit each`,
    }),
    figure({
      id: 'booking.scale_2_instances_ratio',
      ours: rateTwo,
      baseline: rateOne,
      target: { on: 'ratio', atLeast: 1.5 },
      unit: 'bookings/s',
      note:
        `the same load through HAProxy to 2 instances (${rates(two)}/s) vs 1 (${rates(one)}/s; the other frozen and out of HAProxy), ` +
        `order 1, 2, 2, 1, ${BOOKINGS} bookings each, ${CONCURRENCY} in flight${cpuNote}; ${shared}`,
    }),
  ];
}

/** Plain INSERTs of appointment-like rows, `CONCURRENCY` connections, one commit each: PostgreSQL's own pace. */
async function plainInsertsPerSecond(schema: string, rows: number) {
  const pool = new pg.Pool({ connectionString: clusterDatabaseUrl, max: CONCURRENCY });
  const table = `${pg.escapeIdentifier(schema)}.bench_plain_appointments`;
  try {
    await pool.query(`CREATE TABLE ${table} (id TEXT PRIMARY KEY, service_id TEXT NOT NULL, staff_id TEXT NOT NULL,
      start_at TEXT NOT NULL, end_at TEXT NOT NULL, citizen_name TEXT NOT NULL, citizen_email TEXT NOT NULL,
      intake TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`);
    const insert = `INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
    let next = 0;
    const worker = async () => {
      while (next < rows) {
        const i = next++;
        const start = new Date(Date.UTC(2027, 2, 1, 8) + i * 600_000).toISOString();
        await pool.query({ name: 'bench-insert', text: insert, values: [`a${i}`, SERVICE, `s${i % STAFF}`, start, start, `Burger ${i}`, `burger${i}@example.org`, '{}', `h${i}`, start] });
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return (rows / elapsedMs(started)) * 1000;
  } finally {
    await pool.end();
  }
}

/**
 * Staff peers (credentials minted with the app's issuer and the cluster's TOKEN_SECRET, as the staff
 * join hands them out), `meeting=<id>` in the URL as the widget sends it; every one waits for OPEN and
 * must still be open 1.5 s after the last. Ours: half the meetings to each instance's port, at once.
 * Baseline: all of them to the first instance.
 */
async function peersHeld(cluster: Cluster, meetings: string[]): Promise<Figure> {
  const credentials = peerCredentials(cluster.env.TOKEN_SECRET!);
  const holder = `staff:${SERVICE}-001`;
  const peerUrl = (port: number, ids: string[]) => {
    let issued = 0;
    return () => {
      const meetingId = ids[issued++ % ids.length]!;
      const id = newPeerId();
      const token = credentials.issue(id, { meetingId, role: 'staff', holder, expiresAt: Math.floor(Date.now() / 1000) + 3600 });
      return `ws://127.0.0.1:${port}${SIGNAL.path}/peerjs?${new URLSearchParams({ key: SIGNAL.key, id, token, meeting: meetingId })}`;
    };
  };
  const [first, second] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const held = async (parts: { port: number; ids: string[]; count: number }[]) => {
    const started = Date.now();
    const results = await Promise.all(parts.map((p) => openMany(p.count, peerUrl(p.port, p.ids), true, { budgetMs: PEER_BUDGET_MS })));
    const seconds = (Date.now() - started) / 1000;
    const sockets = results.flatMap((r) => r.sockets);
    await sleep(1500);
    const open = results.map((r) => r.sockets.filter((s) => s.readyState === WebSocket.OPEN).length);
    await closeAll(sockets);
    const problems = results.flatMap((r) => (r.timedOut ? [`time budget of ${PEER_BUDGET_MS / 1000} s`] : r.errors.slice(0, 1)));
    return { open, total: open.reduce((a, b) => a + b, 0), seconds, problems };
  };
  const half = meetings.length / 2;
  const ours = await held([
    { port: first.port, ids: meetings.slice(0, half), count: PEERS / 2 },
    { port: second.port, ids: meetings.slice(half), count: PEERS / 2 },
  ]);
  await sleep(2000); // the instances settle the closed sockets' presence
  const theirs = await held([{ port: first.port, ids: meetings, count: PEERS }]);
  const why = (m: typeof ours) => (m.total >= PEERS ? '' : `; stopped at ${m.total}: ${m.problems[0] ?? 'sockets closed'}`);
  return figure({
    id: 'signalling.peers_held_2_instances',
    ours: ours.total,
    baseline: theirs.total,
    target: { on: 'ours', atLeast: PEERS },
    unit: 'sockets',
    note:
      `authenticated PeerJS sockets (OPEN received, meeting=<id> in the URL) held at once on 2 instances on PostgreSQL (${ours.open.join(' + ')}), ` +
      `opened in ${ours.seconds.toFixed(1)} s, 100 at a time per instance, straight to each instance's port (HAProxy's maxconn is 8000), ${MEETINGS / 2} meetings each${why(ours)}; ` +
      `baseline: all ${PEERS} offered to one instance, ${MEETINGS} meetings, held ${theirs.total} (opened in ${theirs.seconds.toFixed(1)} s)${why(theirs)}` +
      ` (an instance refuses peers past PeerJS's concurrent_limit, 5,000 by default)`,
  });
}
