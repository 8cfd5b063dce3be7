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
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
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
  // On a busy machine the bookings alone take minutes (four loads of 400 at a few dozen a second).
  timeLimitMs: 480_000,
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

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms); 0 once it is gone. */
const cpuMs = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};

/** The local ports of `pids`' TCP connections to PostgreSQL (port 5432), from /proc. */
const postgresClientPorts = (pids: number[]) => {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`, { withFileTypes: false })) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10 || !inodes.has(columns[9]!)) continue;
      if (parseInt(columns[2]!.split(':')[1]!, 16) === 5432) ports.add(parseInt(columns[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
};

/**
 * The PostgreSQL processes serving `pids`: the backends of their connections (a backend's command
 * line names its client's address and port) and the shared ones (WAL writer, checkpointer…), not
 * the backends of anything else running on the machine.
 */
const postgresPids = (pids: number[]) => {
  const ports = postgresClientPorts(pids);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) return false;
        const client = /\((\d+)\)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        return !client || ports.has(Number(client[1]));
      } catch {
        return false;
      }
    });
};

/** CPU time of this process's children that have ended (the load process once it is gone), in ms. */
const childrenMs = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
};

/** Waits until the last load process has ended and been counted in `childrenMs`. */
async function clientMs(before: number) {
  for (let tries = 0; tries < 20 && childrenMs() === before; tries += 1) await sleep(50);
  return childrenMs() - before;
}

/**
 * The CPU time from now on of the PostgreSQL processes serving `serving`: the pool opens and closes
 * backends while a load runs, so they are looked at every 100 ms (a new one counts from 0; one
 * that ended counts up to its last look). `stop` returns the ms.
 */
function postgresCpu(serving: number[]) {
  const seen = new Map<number, { first: number; last: number }>();
  const look = (fresh: boolean) => {
    for (const pid of postgresPids(serving)) {
      const now = cpuMs(pid);
      const known = seen.get(pid);
      if (known) known.last = Math.max(known.last, now);
      else seen.set(pid, { first: fresh ? now : 0, last: now });
    }
  };
  look(true);
  const timer = setInterval(() => look(false), 100);
  return {
    stop() {
      clearInterval(timer);
      look(false);
      return [...seen.values()].reduce((sum, { first, last }) => sum + last - first, 0);
    },
  };
}

/** The whole machine's CPU time from /proc/stat, in ms (ticks of 10 ms): busy (all processes, all cores) and in all. */
const machineMs = () => {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks as number[];
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy: busy * 10, all: (busy + idle! + iowait!) * 10 };
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
 * answer; the CPU per booking counts until its mails are sent too (each load starts with an empty
 * outbox, so no load pays for another's mails): the instances', PostgreSQL's (all its processes on
 * the machine), HAProxy's and the whole machine's (the client process and anything else included).
 * `busy`: the share of the machine's cores busy while the load ran.
 */
let clientStartMs = 0;

/** What a load process costs with nothing to send: starting Node and loading its TypeScript. */
async function measureClientStart(cluster: Cluster) {
  const starts: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const before = childrenMs();
    await postFromChild({ url: cluster.url, path: '/api/appointments', bodies: [], concurrency: 1 }, LOAD_TIMEOUT_MS);
    starts.push(await clientMs(before));
  }
  clientStartMs = Math.min(...starts);
}

async function bookThrough(cluster: Cluster, bodies: Body[]) {
  const pids = cluster.instances.flatMap((instance) => (instance.server ? [instance.server.pid] : []));
  const postgres = postgresCpu(pids);
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuMs(pid), 0);
  const before = { instances: sum(pids), haproxy: cpuMs(cluster.haproxyPid), client: childrenMs(), machine: machineMs() };
  const load = await postFromChild({ url: cluster.url, path: '/api/appointments', bodies, concurrency: CONCURRENCY }, LOAD_TIMEOUT_MS);
  const during = machineMs();
  const booked = load.statuses[201] ?? 0;
  if (booked !== bodies.length) {
    throw new Error(`${bodies.length - booked} of ${bodies.length} bookings not answered 201 (${JSON.stringify(load.statuses)}), first: ${load.firstOther}`);
  }
  await mailsSent(cluster.schema);
  const client = await clientMs(before.client);
  const per = (ms: number) => ms / bodies.length;
  return {
    rate: (bodies.length / load.elapsedMs) * 1000,
    cpuMs: per(sum(pids) - before.instances),
    postgresMs: per(postgres.stop()),
    haproxyMs: per(cpuMs(cluster.haproxyPid) - before.haproxy),
    /** The client process's, less what starting one costs (`clientStartMs`). */
    clientMs: per(Math.max(0, client - clientStartMs)),
    machineMs: per(machineMs().busy - before.machine.busy),
    busy: (during.busy - before.machine.busy) / (during.all - before.machine.all),
  };
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
  await measureClientStart(cluster);
  await bookThrough(cluster, loads.warmup); // both instances, round robin
  await freeze();
  const one = [await bookThrough(cluster, loads.measured[0]!)];
  await thaw();
  const two = [await bookThrough(cluster, loads.measured[1]!), await bookThrough(cluster, loads.measured[2]!)];
  await freeze();
  one.push(await bookThrough(cluster, loads.measured[3]!));
  await thaw();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const [rateOne, rateTwo] = [mean(one.map((m) => m.rate)), mean(two.map((m) => m.rate))];
  const rates = (list: typeof one) => list.map((m) => m.rate.toFixed(0)).join(' and ');
  type Key = 'cpuMs' | 'postgresMs' | 'haproxyMs' | 'clientMs' | 'machineMs';
  const ms = (list: typeof one, key: Key) => mean(list.map((m) => m[key]));
  const ours = (list: typeof one) => ms(list, 'cpuMs') + ms(list, 'postgresMs') + ms(list, 'haproxyMs') + ms(list, 'clientMs');
  const cpuOf = (list: typeof one) =>
    `instances ${ms(list, 'cpuMs').toFixed(1)}, PostgreSQL ${ms(list, 'postgresMs').toFixed(1)}, HAProxy ${ms(list, 'haproxyMs').toFixed(1)}, ` +
    `client ${ms(list, 'clientMs').toFixed(1)} (sum ${ours(list).toFixed(1)}; whole machine ${ms(list, 'machineMs').toFixed(1)})`;
  const cores = cpus().length;
  // One instance runs on one core at most (Node's one thread); two share every core with the rest.
  // So at best one instance does 1000 ms / its own CPU per booking, two do cores × 1000 ms / the sum
  // of every process's, and their ratio is at most cores × the instance's share of that sum.
  const share = ms(one, 'cpuMs') / ours(one);
  const cpuNote =
    `; CPU per booking in ms (user + system, its mail sent included; PostgreSQL: the instances' backends and the shared WAL writer, checkpointer…; whole machine: /proc/stat, ` +
    `anything else running included): with 1 ${cpuOf(one)}; with 2 ${cpuOf(two)}`;
  const shared =
    `everything shares this machine’s ${cores} cores, hence the bound: one instance does at most 1000 / ${ms(one, 'cpuMs').toFixed(1)} = ` +
    `${(1000 / ms(one, 'cpuMs')).toFixed(0)}/s (one core), two at most ${cores} × 1000 / ${ours(one).toFixed(1)} = ${((cores * 1000) / ours(one)).toFixed(0)}/s ` +
    `(every core, shared with PostgreSQL, HAProxy and the client), a ratio of at most ${cores} × ${(share * 100).toFixed(0)} % = ${(cores * share).toFixed(2)} ` +
    `(1.5 needs the instance's share ≥ 75 %); machine busy during the loads with 1: ${one.map((m) => `${(m.busy * 100).toFixed(0)} %`).join(' and ')}, ` +
    `with 2: ${two.map((m) => `${(m.busy * 100).toFixed(0)} %`).join(' and ')} (1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after)`;
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
        `baseline: single-row INSERTs of appointment-like rows, ${CONCURRENCY} connections, one commit each; ` +
        `1-minute load average ${loadBefore.toFixed(1)} before (the machine shared with other work lowers both)`,
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
