import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { DEMO_PASSWORD, signIn, staffEmail } from '../../../../test-support/staff.ts';

const MINUTE = 60_000;
/** Behind one proxy (TRUST_PROXY=1) the client address is the last X-Forwarded-For entry. */
const login = (server: TestServer, email: string, password: string, address: string) =>
  api(server.url, '/api/staff/login', { body: { email, password }, headers: { 'x-forwarded-for': address } });
const attacker = '203.0.113.66';
const ownersDevice = '198.51.100.7';
const failureRows = async (server: TestServer) =>
  Number((await server.app.db.q.selectFrom('staff_login_failures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('staff sign-in under attack', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ clock: testClock('2027-03-01T06:00:00Z'), env: { TRUST_PROXY: '1' } });
  });
  afterEach(() => server.cleanup());

  it('when one address floods one account with wrong passwords, then only that address is locked out of it; the owner signs in on their own device', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login(server, staffEmail.bart, `guess-${i}`, attacker)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429, 429, 429]);
    const locked = await login(server, staffEmail.bart, DEMO_PASSWORD, attacker);
    assert.equal(locked.status, 429, 'the right password does not help the locked address');
    assert.equal(locked.headers.get('retry-after'), '900');

    const owner = await login(server, staffEmail.bart, DEMO_PASSWORD, ownersDevice);
    assert.equal(owner.status, 200, 'the owner is not locked out');
    assert.equal(owner.body.staff.id, 'bart');
  });

  it('when one address guesses across many accounts, then the address is locked after 20 failures for every account; other addresses are not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await login(server, `guess-${i}@wilsede.invalid`, 'welkom-2027', attacker)).status);
    assert.deepEqual(statuses, [...Array<number>(19).fill(401), 429]);
    const refused = await login(server, staffEmail.chloe, DEMO_PASSWORD, attacker);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'too_many_attempts');
    assert.match(refused.body.error.message, /from this network address/);
    assert.equal(refused.headers.get('retry-after'), '900');

    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, ownersDevice)).status, 200);
    // An IPv6 client is counted by its /64: a new address in the same block is the same client.
    for (let i = 0; i < 20; i++) await login(server, `v6-${i}@wilsede.invalid`, 'welkom-2027', `2001:db8:1:2::${i + 1}`);
    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, '2001:db8:1:2:ffff::9')).status, 429);

    server.clock.advance(15 * MINUTE + 1000);
    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, attacker)).status, 200, 'the lock ends');
  });

  it('when many addresses guess one account, then its checks slow down but the owner still signs in', async () => {
    for (let i = 1; i <= 7; i++) assert.equal((await login(server, staffEmail.bart, `guess-${i}`, `203.0.113.${i}`)).status, 401);
    // 7 failures, the first 5 free: the next check waits 250 ms × 2².
    const started = performance.now();
    const owner = await login(server, staffEmail.bart, DEMO_PASSWORD, ownersDevice);
    const took = performance.now() - started;
    assert.equal(owner.status, 200);
    assert.ok(took >= 950, `the check was slowed down (${Math.round(took)} ms)`);

    const honest = performance.now();
    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, ownersDevice)).status, 200);
    assert.ok(performance.now() - honest < 900, 'an account nobody guesses is not slowed down');
  });

  it('when a flood of parallel sign-ins arrives, then at most 4 hashes run at once and the overflow gets 503 with Retry-After', async (t) => {
    const flood = await Promise.all(
      Array.from({ length: 150 }, (_, i) => login(server, `flood-${i}@wilsede.invalid`, 'welkom-2027', `10.9.${i >> 8}.${i & 255}`)),
    );
    const statuses = flood.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 401 || s === 503), `only 401 and 503: ${[...new Set(statuses)].join(', ')}`);
    const busy = flood.filter((r) => r.status === 503);
    assert.ok(busy.length >= 1, 'some were refused before hashing');
    assert.equal(busy[0]!.body.error.code, 'server_busy');
    assert.equal(busy[0]!.headers.get('retry-after'), '5');
    const stats = server.app.staff.passwordChecks();
    t.diagnostic(`flood of 150: ${busy.length} answered 503, peak ${stats.peak} hashes at once`);
    assert.ok(stats.peak <= 4, `peak ${stats.peak} hashes at once`);
    assert.equal(stats.admitted, 0, 'every place was given back');
    assert.equal(stats.running, 0);

    assert.equal((await login(server, staffEmail.an, DEMO_PASSWORD, ownersDevice)).status, 200, 'an honest sign-in after the flood works');
  });

  it('when failures are older than the window, then their rows are purged, periodically and at start', async () => {
    for (let i = 0; i < 3; i++) await login(server, staffEmail.bart, `guess-${i}`, attacker);
    assert.equal(await failureRows(server), 3, 'account × address, address, account');
    server.clock.advance(10 * MINUTE);
    await login(server, staffEmail.chloe, 'guess-again', '203.0.113.99');
    server.clock.advance(6 * MINUTE);
    assert.equal(await server.app.staff.purgeLoginFailures(), 3, 'the old ones go');
    assert.equal(await failureRows(server), 3, 'the recent ones stay');

    await server.stop();
    server.clock.advance(10 * MINUTE);
    server = await startTestServer({ clock: server.clock, dataDir: server.dataDir, env: { TRUST_PROXY: '1' } });
    assert.equal(await failureRows(server), 0, 'purged when the server started');
    assert.equal((await login(server, staffEmail.bart, DEMO_PASSWORD, attacker)).status, 200);
  });

  it('when a lock outlasts the first failure’s window, then the purge keeps its row until the lock ends', async () => {
    await login(server, staffEmail.bart, 'guess-0', attacker);
    server.clock.advance(10 * MINUTE);
    for (let i = 1; i < 5; i++) await login(server, staffEmail.bart, `guess-${i}`, attacker); // locked until +25 min
    server.clock.advance(6 * MINUTE); // the first failure is 16 minutes old
    await server.app.staff.purgeLoginFailures();
    assert.equal((await login(server, staffEmail.bart, DEMO_PASSWORD, attacker)).status, 429, 'still locked');
    server.clock.advance(10 * MINUTE);
    await server.app.staff.purgeLoginFailures();
    assert.equal(await failureRows(server), 0);
    assert.equal((await login(server, staffEmail.bart, DEMO_PASSWORD, attacker)).status, 200, 'the lock ended');
  });
});

describe('staff password change under attack', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ clock: testClock('2027-03-01T06:00:00Z'), env: { TRUST_PROXY: '1' } });
  });
  afterEach(() => server.cleanup());

  const change = (client: Awaited<ReturnType<typeof signIn>>, currentPassword: string, newPassword: string, address: string) =>
    client.request('/api/staff/password', { body: { currentPassword, newPassword }, headers: { 'x-forwarded-for': address } });

  it('when a stolen session guesses the current password, then the fifth wrong guess locks it on that address and the password stays', async () => {
    const thief = await signIn(server, staffEmail.chloe);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await change(thief, `guess-${i}-long`, 'stolen-account-2027', attacker)).status);
    assert.deepEqual(statuses, [422, 422, 422, 422, 429]);
    const locked = await change(thief, DEMO_PASSWORD, 'stolen-account-2027', attacker);
    assert.equal(locked.status, 429, 'not even the right one from there');
    assert.equal(locked.headers.get('retry-after'), '900');
    assert.equal((await login(server, staffEmail.chloe, 'stolen-account-2027', ownersDevice)).status, 401, 'the password did not change');

    const owner = await signIn(server, staffEmail.chloe);
    assert.equal((await change(owner, DEMO_PASSWORD, 'chloe-eigen-2027', ownersDevice)).status, 204, 'the owner changes it from their device');
  });

  it('when the new password is a common one, then 422 names the field; an uncommon one is taken', async () => {
    const an = await signIn(server);
    for (const common of ['wachtwoord', 'Password2027!', 'qwertyuiop', 'azertyuiop1']) {
      const refused = await change(an, DEMO_PASSWORD, common, ownersDevice);
      assert.equal(refused.status, 422, common);
      assert.match(refused.body.error.fields.newPassword, /list of common passwords/, common);
    }
    const account = await an.request('/api/staff/accounts', {
      body: { name: 'Dirk De Vos', email: 'dirk.devos@wilsede.invalid', role: 'medewerker', password: 'Welkom12345' },
    });
    assert.equal(account.status, 422);
    assert.match(account.body.error.fields.password, /list of common passwords/);

    assert.equal((await change(an, DEMO_PASSWORD, 'fietsen langs de dijk', ownersDevice)).status, 204);
    await signIn(server, staffEmail.an, 'fietsen langs de dijk');
  });
});
