import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createApp, type App } from '../packages/server/src/app.ts';
import { loadConfig, type Config } from '../packages/server/src/config.ts';
import { createLog } from '../packages/server/src/log.ts';
import { generousLimits } from './limits.ts';
import pg from 'pg';

/**
 * `TEST_DATABASE_URL=postgres://…` runs the test servers on PostgreSQL (`npm test` runs the server
 * stage once without it, on SQLite, and once with it). Each server gets a schema of its own, named
 * after its data directory, so a restart on the same directory finds its data; `cleanup` drops it.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export const testSchema = (dataDir: string) => `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

/**
 * With TEST_DATABASE_URL: the database variables of a server on `dataDir` (its schema, and a link
 * secret that is the same for every server on this data directory, as for instances sharing one
 * database); `{}` on SQLite. For child servers (test-support/child-server.ts) that must find the data
 * an in-process server wrote.
 */
export function testDatabaseEnv(dataDir: string): Record<string, string> {
  if (!testDatabaseUrl) return {};
  return {
    DATABASE_URL: testDatabaseUrl,
    DATABASE_SCHEMA: testSchema(dataDir),
    TOKEN_SECRET: createHash('sha256').update(`secret:${dataDir}`).digest('base64url'),
  };
}

/** Drops the schema of the servers on `dataDir` (with TEST_DATABASE_URL; else nothing to do). */
export async function dropTestSchema(dataDir: string) {
  if (testDatabaseUrl) await dropSchema(testSchema(dataDir));
}

async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The demo team's password in a test server with a public (non-local) PUBLIC_URL. */
export const TEST_STAFF_PASSWORD_ON_HTTPS = 'wilsede-test-only-password';

export interface TestClock {
  now: () => Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string = new Date()): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => void (current = new Date(date)),
    advance: (ms) => void (current = new Date(current.getTime() + ms)),
  };
}

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  clock: TestClock;
  logLines: string[];
  /** Stops the server; the data directory stays until `cleanup`. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Starts the real app on a free port with a real SQLite file in a temp dir (or a PostgreSQL schema of its own, see `testDatabaseUrl`). */
export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    clock?: TestClock;
    dataDir?: string;
    /** A given port, e.g. to restart a server where open pages expect it. */
    port?: number;
    overrides?: Partial<Config>;
    /** `logLines` gets exactly what the production log writes (JSON lines, e-mail addresses masked). */
    productionLog?: boolean;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'balie-test-'));
  const clock = opts.clock ?? testClock();
  const logLines: string[] = [];
  // A concrete port, so PUBLIC_URL (and every link in a mail) points at this very server.
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = { REMINDER_INTERVAL_MS: '100000', PUBLIC_URL: `http://127.0.0.1:${port}`, ...generousLimits, ...opts.env };
  for (const [name, value] of Object.entries(testDatabaseEnv(dataDir))) env[name] ??= value;
  // Tests run against the demo municipality, also those that pretend to be served on https (a
  // server others could reach, where the published demo password is refused): there the demo
  // team gets a password of the tests'. A test of a production start sets SEED_DEMO_DATA=false.
  env.SEED_DEMO_DATA ??= 'true';
  if (!/^http:\/\/(127\.|localhost[:/])/.test(env.PUBLIC_URL!)) env.DEMO_STAFF_PASSWORD ??= TEST_STAFF_PASSWORD_ON_HTTPS;
  const config = loadConfig(env, { dataDir, port, now: clock.now, ...opts.overrides });
  const app = createApp(config, {
    log: opts.productionLog
      ? createLog((line) => logLines.push(line))
      : (message, error) => logLines.push(`${message} ${error instanceof Error ? error.stack : String(error ?? '')}`),
  });
  await app.start(port);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.stop();
  };
  return {
    app,
    url: app.url,
    dataDir,
    clock,
    logLines,
    stop,
    async cleanup() {
      await stop();
      if (config.databaseUrl) await dropSchema(config.databaseSchema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON for tests: returns status and parsed body. */
export async function api(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** The first slot a service offers (video by default). */
export async function firstSlot(base: string, serviceId = 'mantelzorgpremie', query = 'channel=video') {
  const { body } = await api(base, `/api/services/${serviceId}/slots?${query}`);
  if (!body.slots?.length) throw new Error(`no slots offered for ${serviceId}`);
  return body.slots[0] as { start: string; end: string; channel: 'video' | 'counter' | 'phone'; locationId: string | null };
}

export { bookingBody } from './booking-body.ts';

/** A port that was free a moment ago, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
