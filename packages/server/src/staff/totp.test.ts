import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { cookieOf, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

/** The code an authenticator app would show for `secret` at the server's clock. */
const codeFor = (secret: string, server: TestServer) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: server.clock.now().getTime() });

/** Enrols TOTP for a signed-in client; answers the secret and the recovery codes. */
async function enrol(server: TestServer, client: StaffClient) {
  const setup = await client.request('/api/staff/mfa/totp/setup', { body: {} });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const confirm = await client.request('/api/staff/mfa/totp/confirm', { body: { code: codeFor(setup.body.secret, server) } });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return { setup: setup.body, recoveryCodes: confirm.body.recoveryCodes as string[], confirm };
}

describe('TOTP second factor', () => {
  let server: TestServer;
  const secrets = new Map<string, string>();
  before(async () => {
    server = await startTestServer({ clock: testClock('2027-03-01T09:00:00Z') });
  });
  after(() => server?.cleanup());

  it('when a medewerker enrols, then the QR code is an SVG data URL, the URI names the account and ten recovery codes come once', async () => {
    const bart = await signIn(server, staffEmail.bart);
    const { setup, recoveryCodes } = await enrol(server, bart);
    secrets.set('bart', setup.secret);
    assert.match(setup.qrDataUrl, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(setup.qrDataUrl.split(',')[1], 'base64').toString(), /^<svg/);
    assert.match(setup.uri, /^otpauth:\/\/totp\/Digitale%20Balie:bart\.janssens/);
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    const stored = (await server.app.db.q.selectFrom('staff').select('totp_secret as s').where('id', '=', 'bart').executeTakeFirstOrThrow()) as { s: string };
    assert.ok(!stored.s.includes(setup.secret), 'the secret is sealed in the database');
    const hashes = await server.app.db.q.selectFrom('staff_recovery_codes').select('code_hash as h').where('staff_id', '=', 'bart').execute();
    assert.ok(hashes.every((r) => !recoveryCodes.includes(r.h)), 'recovery codes are stored hashed');
    const status = await bart.request('/api/staff/mfa');
    assert.deepEqual(status.body, { totp: true, recoveryCodesLeft: 10, required: false, provider: false });
  });

  it('when a wrong first code confirms the enrolment, then it is refused and nothing is enrolled', async () => {
    const chloe = await signIn(server, staffEmail.chloe);
    await chloe.request('/api/staff/mfa/totp/setup', { body: {} });
    const wrong = await chloe.request('/api/staff/mfa/totp/confirm', { body: { code: '000000' } });
    assert.equal(wrong.status, 422);
    assert.ok(wrong.body.error.fields.code);
    assert.equal((await chloe.request('/api/staff/mfa')).body.totp, false);
  });

  it('when an enrolled account signs in, then the password alone opens nothing; the code does, once', async () => {
    server.clock.advance(60_000);
    const secret = (await enrolledSecret('an'));
    const half = await signIn(server, staffEmail.an);
    assert.equal((await half.request('/api/staff/session')).body.pending, 'totp');
    const refused = await half.request('/api/staff/agenda');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'sign_in_incomplete');
    const code = codeFor(secret, server);
    const ok = await half.request('/api/staff/login/totp', { body: { code } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.pending, null);
    const cookie = cookieOf(ok.headers);
    assert.equal((await api(server.url, '/api/staff/agenda', { headers: { cookie } })).status, 200);
    assert.equal((await half.request('/api/staff/agenda')).status, 401, 'the half-open session id is gone');

    const other = await signIn(server, staffEmail.an);
    const replay = await other.request('/api/staff/login/totp', { body: { code } });
    assert.equal(replay.status, 401, 'a code works once');
    assert.equal(replay.body.error.code, 'invalid_code');
  });

  it('when wrong codes keep coming, then they are throttled like passwords (429) and a right code is refused during the lock', async () => {
    server.clock.advance(60_000);
    const secret = await enrolledSecret('an');
    const half = await signIn(server, staffEmail.an);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await half.request('/api/staff/login/totp', { body: { code: String(100000 + i) } })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    const locked = await half.request('/api/staff/login/totp', { body: { code: codeFor(secret, server) } });
    assert.equal(locked.status, 429);
    assert.ok(locked.headers.get('retry-after'));
    server.clock.advance(16 * 60_000);
    await server.app.db.q.deleteFrom('staff_login_failures').execute();
  });

  it('when a recovery code is used, then it signs in once and never again', async () => {
    const bart = await signIn(server, staffEmail.bart);
    assert.equal((await bart.request('/api/staff/session')).body.pending, 'totp');
    // Signed in with the app's code, Bart enrols a new phone: new secret, ten new recovery codes.
    server.clock.advance(30_000);
    const full = await bart.request('/api/staff/login/totp', { body: { code: codeFor(secrets.get('bart')!, server) } });
    assert.equal(full.status, 200, JSON.stringify(full.body));
    const { recoveryCodes } = await enrol(server, clientOf(full));
    server.clock.advance(60_000);

    const first = await signIn(server, staffEmail.bart);
    const used = await first.request('/api/staff/login/totp', { body: { recoveryCode: recoveryCodes[3]!.toUpperCase() } });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    assert.equal((await clientOf(used).request('/api/staff/mfa')).body.recoveryCodesLeft, 9);
    const second = await signIn(server, staffEmail.bart);
    const again = await second.request('/api/staff/login/totp', { body: { recoveryCode: recoveryCodes[3] } });
    assert.equal(again.status, 401);
  });

  it('when the body is bad, then 422, never 500', async () => {
    const half = await signIn(server, staffEmail.an);
    for (const body of [{}, { code: '12345' }, { code: 123456 }, { code: '123456', recoveryCode: 'abcde-fghij' }, { recoveryCode: 'x' }]) {
      assert.equal((await half.request('/api/staff/login/totp', { body })).status, 422, JSON.stringify(body));
    }
  });

  function clientOf(answer: { headers: Headers; body: { csrfToken: string; staff: StaffClient['staff'] } }): StaffClient {
    const cookie = cookieOf(answer.headers);
    return {
      cookie,
      csrfToken: answer.body.csrfToken,
      staff: answer.body.staff,
      request: (path, init = {}) => api(server.url, path, { method: init.method, body: init.body, headers: { cookie, 'x-csrf-token': answer.body.csrfToken, ...init.headers } }),
    };
  }

  /** Enrols `id` when it has no factor yet (with a plain sign-in) and answers the secret. */
  async function enrolledSecret(id: 'an' | 'bart'): Promise<string> {
    if (!secrets.has(id)) {
      const client = await signIn(server, staffEmail[id]);
      secrets.set(id, (await enrol(server, client)).setup.secret);
      // The enrolment used this time step's code: the next sign-in needs the next one.
      server.clock.advance(30_000);
    }
    return secrets.get(id)!;
  }
});

describe('STAFF_MFA=required', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { STAFF_MFA: 'required' } });
  });
  after(() => server?.cleanup());

  it('when a local account without a factor signs in, then it must enrol before anything else, and cannot remove it after', async () => {
    const chloe = await signIn(server, staffEmail.chloe);
    assert.equal((await chloe.request('/api/staff/session')).body.pending, 'totp-enrol');
    assert.equal((await chloe.request('/api/staff/agenda')).status, 403);
    const setup = await chloe.request('/api/staff/mfa/totp/setup', { body: {} });
    const secret = setup.body.secret as string;
    const confirm = await chloe.request('/api/staff/mfa/totp/confirm', { body: { code: codeFor(secret, server) } });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body.session.pending, null);
    assert.equal(confirm.body.recoveryCodes.length, 10);
    const cookie = cookieOf(confirm.headers);
    assert.equal((await api(server.url, '/api/staff/agenda', { headers: { cookie } })).status, 200);
    const remove = await api(server.url, '/api/staff/mfa/totp/remove', {
      body: { code: '123456' },
      headers: { cookie, 'x-csrf-token': confirm.body.session.csrfToken },
    });
    assert.equal(remove.status, 409);
  });
});
