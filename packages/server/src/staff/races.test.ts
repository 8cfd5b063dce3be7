import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { DEMO_PASSWORD, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

// Requests that arrive at the same moment: on PostgreSQL their transactions really run in parallel
// (TEST_DATABASE_URL), on SQLite one after the other. Either way nothing may be lost.

/** Behind one proxy (TRUST_PROXY=1) the client address is the last X-Forwarded-For entry. */
const login = (server: TestServer, email: string, password: string, address: string) =>
  api(server.url, '/api/staff/login', { body: { email, password }, headers: { 'x-forwarded-for': address } });
const attacker = '203.0.113.66';
const ownersDevice = '198.51.100.7';

describe('staff sign-in failures counted in parallel', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ clock: testClock('2027-03-01T06:00:00Z'), env: { TRUST_PROXY: '1' } });
  });
  afterEach(() => server.cleanup());

  /** The failures counted for an (account, address) row; `*` sums over that column. Account: the hash the throttle keys by. */
  const failures = async () =>
    (await server.app.db.q.selectFrom('staff_login_failures').select(['account_key as key', 'ip', 'failures', 'locked_until as lockedUntil']).execute()).map(
      (row) => ({ ...row, failures: Number(row.failures) }),
    );

  it('when one address fires 30 wrong passwords for one account at once, then exactly 5 are checked and the account locks for that address', async () => {
    // Three accounts, each from an address of its own: three chances for a lost count to show.
    const targets = [
      { email: staffEmail.bart, address: '203.0.113.66' },
      { email: staffEmail.chloe, address: '203.0.113.67' },
      { email: staffEmail.an, address: '203.0.113.68' },
    ];
    for (const { email, address } of targets) {
      const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(server, email, `guess-${i}`, address)));
      const statuses = guesses.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 401 || s === 429), `${email}: only 401 and 429: ${statuses.join(', ')}`);
      assert.ok(statuses.filter((s) => s === 429).length >= 25, `${email}: at least 25 refused: ${statuses.join(', ')}`);
      const right = await login(server, email, DEMO_PASSWORD, address);
      assert.equal(right.status, 429, `${email}: the right password does not help the locked address`);
      assert.equal(right.headers.get('retry-after'), '900');
    }

    const rows = await failures();
    // Per account over all addresses: never locked, so it counts every attempt that got a password check.
    assert.deepEqual(
      rows.filter((r) => r.key !== '*' && r.ip === '*').map((r) => r.failures),
      [5, 5, 5],
      'exactly the 5 allowed guesses of each account reached a password check',
    );
    const pairs = rows.filter((r) => r.key !== '*' && r.ip !== '*');
    assert.deepEqual(
      pairs.map((r) => [r.failures, !!r.lockedUntil]),
      [
        [5, true],
        [5, true],
        [5, true],
      ],
      'each account is locked for its attacking address after 5 failures',
    );
    assert.deepEqual(
      rows.filter((r) => r.key === '*' && r.ip !== '*').map((r) => r.failures),
      [5, 5, 5],
    );

    for (const { email } of targets) assert.equal((await login(server, email, DEMO_PASSWORD, ownersDevice)).status, 200, `${email}: the owner is not locked out`);
  });

  it('when one address fires 15 wrong sign-ins for 15 accounts at once, then all 15 count, and 5 more lock the address', async () => {
    const guesses = await Promise.all(Array.from({ length: 15 }, (_, i) => login(server, `guess-${i}@wilsede.invalid`, 'welkom-2027', attacker)));
    assert.deepEqual(
      guesses.map((r) => r.status),
      Array<number>(15).fill(401),
    );
    const address = (await failures()).find((r) => r.key === '*' && r.ip !== '*');
    assert.equal(address?.failures, 15, 'no failure was lost');
    assert.equal(address?.lockedUntil, null);

    const more: number[] = [];
    for (let i = 15; i < 20; i++) more.push((await login(server, `guess-${i}@wilsede.invalid`, 'welkom-2027', attacker)).status);
    assert.deepEqual(more, [401, 401, 401, 401, 429], 'the 20th failure locks the address');
    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, attacker)).status, 429);
    assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD, ownersDevice)).status, 200);
  });
});

describe('the last beheerder under parallel changes', () => {
  let server: TestServer;
  let an: StaffClient;
  beforeEach(async () => {
    server = await startTestServer();
    an = await signIn(server);
  });
  afterEach(() => server.cleanup());

  const activeBeheerders = async () =>
    (await server.app.db.q.selectFrom('staff').select('id').where('role', '=', 'beheerder').where('active', '=', 1).orderBy('id').execute()).map((r) => r.id);
  const makeBeheerder = async (id: string) => {
    const up = await an.request(`/api/staff/accounts/${id}`, { method: 'PATCH', body: { role: 'beheerder' } });
    assert.equal(up.status, 200, JSON.stringify(up.body));
  };

  /**
   * An and Chloe are the only beheerders; each takes the other's (or their own) beheerder role away at
   * the same moment. Exactly one change may pass: the other is refused (409 last_beheerder, or 403 or
   * 401 when its requester lost the role or was deactivated before the request got that far).
   */
  const race = async (body: { role?: string; active?: boolean }, round: number) => {
    await makeBeheerder('chloe');
    const chloe = await signIn(server, staffEmail.chloe);
    assert.deepEqual(await activeBeheerders(), ['an', 'chloe']);
    const [byAn, byChloe] = await Promise.all([
      an.request('/api/staff/accounts/chloe', { method: 'PATCH', body }),
      chloe.request('/api/staff/accounts/an', { method: 'PATCH', body }),
    ]);
    const statuses = [byAn.status, byChloe.status];
    assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: exactly one passes (${statuses.join(', ')})`);
    const refused = byAn.status === 200 ? byChloe : byAn;
    assert.ok(
      (refused.status === 409 && refused.body.error.code === 'last_beheerder') || refused.status === 403 || refused.status === 401,
      `round ${round}: refused with ${refused.status} ${JSON.stringify(refused.body)}`,
    );
    const left = await activeBeheerders();
    assert.equal(left.length, 1, `round ${round}: one beheerder remains (${left.join(', ')})`);
    return left[0]!;
  };

  it('when the last two beheerders demote each other at once, then exactly one demotion passes and one beheerder remains', async () => {
    for (let round = 1; round <= 5; round++) {
      const left = await race({ role: 'medewerker' }, round);
      // Back to An alone as beheerder for the next round, from whoever remains.
      if (left !== 'an') {
        const chloe = await signIn(server, staffEmail.chloe);
        assert.equal((await chloe.request('/api/staff/accounts/an', { method: 'PATCH', body: { role: 'beheerder' } })).status, 200);
        assert.equal((await chloe.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { role: 'medewerker' } })).status, 200);
        an = await signIn(server);
      }
    }
  });

  it('when the last two beheerders deactivate each other at once, then exactly one deactivation passes and one beheerder remains', async () => {
    for (let round = 1; round <= 5; round++) {
      const left = await race({ active: false }, round);
      if (left !== 'an') {
        const chloe = await signIn(server, staffEmail.chloe);
        assert.equal((await chloe.request('/api/staff/accounts/an', { method: 'PATCH', body: { active: true } })).status, 200);
        an = await signIn(server);
        assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { role: 'medewerker' } })).status, 200);
      } else {
        assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { active: true, role: 'medewerker' } })).status, 200);
      }
    }
  });
});
