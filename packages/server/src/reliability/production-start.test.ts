import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from '../../../../test-support/child-server.ts';
import { linkToken, readOutbox } from '../../../../test-support/outbox.ts';
import { api, bookingBody, firstSlot, freePort, startTestServer } from '../../../../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';
import { eventually, pdfBytes } from '../../../../test-support/uploads.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const PUBLIC_URL = 'https://balie.example.invalid';
const demoLogins = Object.values(staffEmail).map((email) => ({ email, password: DEMO_PASSWORD }));

const login = (url: string, email: string, password: string) => api(url, '/api/staff/login', { body: { email, password } });

/** `npm run admin -- …` as an operator types it, with the server's environment. */
function admin(dataDir: string, args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PUBLIC_URL };
  for (const name of Object.keys(env)) if (name.startsWith('NODE_TEST')) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/cli.ts', ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The token of the set-password link the command printed. */
function linkFrom(stdout: string): string {
  const link = new RegExp(`${PUBLIC_URL}/medewerker#wachtwoord=([\\w-]{43})`).exec(stdout);
  assert.ok(link, `a set-password link in:\n${stdout}`);
  return link[1]!;
}

/** Every directory and file under `dir` whose mode lets group or others in. */
function openToOthers(dir: string): string[] {
  const found = (statSync(dir).mode & 0o077) !== 0 ? [dir] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...openToOthers(path));
    else if ((statSync(path).mode & 0o077) !== 0) found.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`);
  }
  return found;
}

async function startProduction(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-production-'));
  const server = await startChildServer({ dataDir, port: await freePort(), env: { PUBLIC_URL, ...env } });
  return {
    server,
    dataDir,
    async stop() {
      server.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('a production start: main.ts with only PUBLIC_URL=https://…', () => {
  let production: Awaited<ReturnType<typeof startProduction>>;
  let server: ChildServer;
  before(async () => {
    production = await startProduction();
    server = production.server;
  });
  after(() => production.stop());

  it('then there is no demo municipality, and no account signs in: the published demo credentials get 401', async () => {
    assert.deepEqual((await api(server.url, '/api/services')).body, []);
    for (const { email, password } of demoLogins) assert.equal((await login(server.url, email, password)).status, 401, email);
  });

  it('when the admin command created a beheerder, then its one-time link sets the password once, and the beheerder signs in', async () => {
    const email = 'els.maes@wilsede.be';
    const created = await admin(production.dataDir, ['create', '--email', email, '--name', 'Els Maes']);
    assert.equal(created.code, 0, created.stderr);
    const token = linkFrom(created.stdout);
    assert.equal((await login(server.url, email, 'anything-at-all')).status, 401, 'no password until the link is used');

    const weak = await api(server.url, '/api/staff/password-link', { body: { token, newPassword: 'kort' } });
    assert.equal(weak.status, 422);
    assert.match(weak.body.error.fields.newPassword, /at least/);
    const forged = await api(server.url, '/api/staff/password-link', { body: { token: 'x'.repeat(43), newPassword: 'Els-haar-eigen-wachtwoord' } });
    assert.equal(forged.status, 410);
    assert.equal(forged.body.error.code, 'password_link_invalid');

    const set = await api(server.url, '/api/staff/password-link', { body: { token, newPassword: 'Els-haar-eigen-wachtwoord' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.email, email);
    const signedIn = await login(server.url, email, 'Els-haar-eigen-wachtwoord');
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.staff.role, 'beheerder');

    const again = await api(server.url, '/api/staff/password-link', { body: { token, newPassword: 'Iemand-anders-zijn-wachtwoord' } });
    assert.equal(again.status, 410, 'the link works once');
    assert.equal((await login(server.url, email, 'Iemand-anders-zijn-wachtwoord')).status, 401);
    assert.equal((await login(server.url, email, 'Els-haar-eigen-wachtwoord')).status, 200);

    const second = await admin(production.dataDir, ['create', '--email', 'tweede@wilsede.be', '--name', 'Tweede']);
    assert.equal(second.code, 1, 'a beheerder exists: refused without --force');
    assert.match(second.stderr, /already a beheerder/);
    assert.equal((await login(server.url, 'tweede@wilsede.be', 'anything-at-all')).status, 401);
  });

  it('when the command reads the password from stdin, then the new beheerder signs in with it at once', async () => {
    const refused = await admin(production.dataDir, ['create', '--force', '--password-stdin', '--email', 'jo@wilsede.be', '--name', 'Jo'], 'wachtwoord\n');
    assert.equal(refused.code, 2, 'a common password is refused as in the console');
    const created = await admin(production.dataDir, ['create', '--force', '--password-stdin', '--email', 'jo@wilsede.be', '--name', 'Jo Peeters'], 'Jo-kiest-een-lang-wachtwoord\n');
    assert.equal(created.code, 0, created.stderr);
    assert.doesNotMatch(created.stdout, /wachtwoord=/, 'no link when the password was given');
    assert.equal((await login(server.url, 'jo@wilsede.be', 'Jo-kiest-een-lang-wachtwoord')).status, 200);
  });

  it('when a link is replaced by a newer one, then only the newer one works', async () => {
    const first = linkFrom((await admin(production.dataDir, ['password-link', '--email', 'jo@wilsede.be'])).stdout);
    const second = linkFrom((await admin(production.dataDir, ['password-link', '--email', 'jo@wilsede.be'])).stdout);
    assert.equal((await api(server.url, '/api/staff/password-link', { body: { token: first, newPassword: 'Jo-zijn-tweede-wachtwoord' } })).status, 410);
    assert.equal((await api(server.url, '/api/staff/password-link', { body: { token: second, newPassword: 'Jo-zijn-tweede-wachtwoord' } })).status, 200);
    assert.equal((await login(server.url, 'jo@wilsede.be', 'Jo-zijn-tweede-wachtwoord')).status, 200);
  });
});

describe('a public demo: SEED_DEMO_DATA=true on an https PUBLIC_URL', () => {
  let production: Awaited<ReturnType<typeof startProduction>>;
  before(async () => (production = await startProduction({ SEED_DEMO_DATA: 'true' })));
  after(() => production.stop());

  it('then the demo municipality is there, but its team has no known password', async () => {
    assert.equal((await api(production.server.url, '/api/services')).body.length, 3);
    for (const { email, password } of demoLogins) assert.equal((await login(production.server.url, email, password)).status, 401, email);
  });

  it('then DATA_DIR is 0700 and the database, the link secret, mails and uploads in it are 0600', async () => {
    const { url } = production.server;
    const booked = await api(url, '/api/appointments', { body: bookingBody(await firstSlot(url)) });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    await eventually(() => readOutbox(production.dataDir).length > 0, 'the confirmation mail');
    const token = linkToken(readOutbox(production.dataDir)[0]!.text);
    const upload = await tusClient(url, { token }).upload(pdfBytes(4096), { filename: 'attest.pdf', filetype: 'application/pdf' });
    assert.equal(upload.status, 204);

    const names = readdirSync(production.dataDir);
    for (const name of ['balie.sqlite', 'token-secret', 'outbox', 'documents']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.ok(readdirSync(join(production.dataDir, 'outbox')).some((f) => f.endsWith('.eml')));
    assert.equal(statSync(production.dataDir).mode & 0o777, 0o700);
    assert.deepEqual(openToOthers(production.dataDir), []);
  });
});

describe('a database an older version seeded with the published demo password', () => {
  it('when it is started on a public address, then the demo accounts lose that password and their sessions', async () => {
    const local = await startTestServer();
    const session = await login(local.url, staffEmail.an, DEMO_PASSWORD);
    assert.equal(session.status, 200);
    await local.stop();

    const publicStart = await startTestServer({ dataDir: local.dataDir, env: { PUBLIC_URL, SEED_DEMO_DATA: 'false' } });
    try {
      for (const { email, password } of demoLogins) assert.equal((await login(publicStart.url, email, password)).status, 401, email);
      // (The cookie itself could not tell: on https its name changes to __Host-….)
      const { n: sessions } = await publicStart.app.db.q
        .selectFrom('staff_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('staff_id', '=', 'an')
        .executeTakeFirstOrThrow();
      assert.equal(Number(sessions), 0, 'the session opened with the published password is over');
      assert.ok(publicStart.logLines.some((line) => /published demo password was removed from an, bart, chloe/.test(line)));
    } finally {
      await publicStart.cleanup();
    }
  });
});
