import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChildServer, type ChildServer } from './child-server.ts';
import { freePort } from './server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the cluster tests find PostgreSQL: TEST_DATABASE_URL, else the role and database `.ci/run`
 * makes (the same default as scripts/test.mjs).
 */
export const clusterDatabaseUrl = process.env.TEST_DATABASE_URL || 'postgres://balie_test:balie_test@127.0.0.1:5432/balie_test';

export interface Instance {
  /** 1-based, as in deploy/haproxy.cfg (b1, b2, b3). */
  index: number;
  port: number;
  dataDir: string;
  server: ChildServer | undefined;
}

export interface Cluster {
  /** The load balancer's address: what a citizen's browser talks to. */
  url: string;
  instances: Instance[];
  schema: string;
  uploadDir: string;
  /** The environment every instance got (DATABASE_URL, TOKEN_SECRET, …). */
  env: Record<string, string>;
  /** HAProxy's process (for its CPU time in the benchmark). */
  haproxyPid: number;
  /** HAProxy's last request log lines (httplog format). */
  requestLog: string[];
  /** Kills one instance by its PID (SIGKILL: no goodbye) or stops it (SIGTERM: drains first). */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped instance again on its port and data directory. */
  restart(index: number): Promise<void>;
  /** Resolves once HAProxy's health checks have `index` up (or down) in every backend. */
  waitForState(index: number, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Three (or `instances`) server processes as an operator runs them — main.ts, one PostgreSQL schema,
 * one shared UPLOAD_DIR, a data directory each — behind HAProxy with exactly deploy/haproxy.cfg.
 * Everything started here is stopped by its PID in `stop`; the schema is dropped.
 */
export async function startCluster(opts: { instances?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const count = opts.instances ?? 3;
  const base = mkdtempSync(join(tmpdir(), 'balie-cluster-'));
  const uploadDir = join(base, 'uploads');
  mkdirSync(uploadDir, { mode: 0o700 });
  const schema = `c_${randomBytes(6).toString('hex')}`;
  const lbPort = await freePort();
  const statsPort = await freePort();
  const url = `http://127.0.0.1:${lbPort}`;
  const env: Record<string, string> = {
    DATABASE_URL: clusterDatabaseUrl,
    DATABASE_SCHEMA: schema,
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    UPLOAD_DIR: uploadDir,
    PUBLIC_URL: url,
    HOST: '127.0.0.1',
    // HAProxy adds X-Forwarded-For: the client's address is the one it saw.
    TRUST_PROXY: '1',
    SEED_DEMO_DATA: 'true',
    REMINDER_INTERVAL_MS: '500',
    SHUTDOWN_DRAIN_SECONDS: '4',
    ...opts.env,
  };
  const instances: Instance[] = [];
  for (let index = 1; index <= 3; index += 1) {
    const dataDir = join(base, `instance-${index}`);
    mkdirSync(dataDir, { mode: 0o700 });
    instances.push({ index, port: await freePort(), dataDir, server: undefined });
  }
  const startInstance = async (instance: Instance) => {
    instance.server = await startChildServer({ dataDir: instance.dataDir, port: instance.port, env, waitMs: 60_000 });
  };
  // All at once: the migration lock must let exactly one migrate while the others wait.
  await Promise.all(instances.slice(0, count).map(startInstance));

  const haproxyOutput: string[] = [];
  const haproxy: ChildProcess = spawn('haproxy', ['-f', join(root, 'deploy/haproxy.cfg'), '-db'], {
    env: {
      ...process.env,
      BALIE_LISTEN: `127.0.0.1:${lbPort}`,
      BALIE_STATS: `127.0.0.1:${statsPort}`,
      BALIE_SERVER_1: `127.0.0.1:${instances[0]!.port}`,
      BALIE_SERVER_2: `127.0.0.1:${instances[1]!.port}`,
      BALIE_SERVER_3: `127.0.0.1:${instances[2]!.port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its request log, the last lines only: to tell why a request failed (termination state, timers).
  const requestLog: string[] = [];
  haproxy.stdout!.on('data', (chunk: Buffer) => {
    requestLog.push(...chunk.toString().split('\n').filter(Boolean));
    if (requestLog.length > 2_000) requestLog.splice(0, requestLog.length - 2_000);
  });
  haproxy.stderr!.on('data', (chunk: Buffer) => haproxyOutput.push(chunk.toString()));

  /** HAProxy's own view: `backend/server` → UP, DOWN, MAINT… from its stats page as CSV. */
  const states = async () => {
    const response = await fetch(`http://127.0.0.1:${statsPort}/;csv`);
    const result = new Map<string, string>();
    for (const line of (await response.text()).split('\n')) {
      const [proxy, server, ...rest] = line.split(',');
      if (!proxy || !server || proxy.startsWith('#') || server === 'FRONTEND' || server === 'BACKEND') continue;
      result.set(`${proxy}/${server}`, rest[15] ?? '');
    }
    return result;
  };
  const waitForState = async (index: number, state: 'UP' | 'DOWN', timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await states().catch(() => new Map<string, string>());
      const mine = [...now].filter(([key]) => key.endsWith(`/b${index}`));
      if (mine.length > 0 && mine.every(([, value]) => value.startsWith(state))) return;
      if (Date.now() > deadline) throw new Error(`instance ${index} not ${state} in HAProxy: ${JSON.stringify([...now])}\n${haproxyOutput.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    for (const instance of instances.slice(0, count)) await waitForState(instance.index, 'UP');
  } catch (error) {
    haproxy.kill('SIGKILL');
    for (const instance of instances) instance.server?.kill('SIGKILL');
    throw error;
  }

  const cluster: Cluster = {
    url,
    instances,
    schema,
    uploadDir,
    env,
    haproxyPid: haproxy.pid!,
    requestLog,
    async kill(index, signal = 'SIGKILL') {
      const instance = instances[index - 1]!;
      const server = instance.server;
      if (!server) return;
      server.kill(signal);
      await server.exited;
      instance.server = undefined;
    },
    async restart(index) {
      await startInstance(instances[index - 1]!);
    },
    waitForState,
    async stop() {
      haproxy.kill('SIGKILL');
      await Promise.all(
        instances.map(async (instance) => {
          instance.server?.kill('SIGKILL');
          await instance.server?.exited;
          instance.server = undefined;
        }),
      );
      const client = new pg.Client({ connectionString: clusterDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
  return cluster;
}
