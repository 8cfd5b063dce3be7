import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { cookieOf, DEMO_PASSWORD, signIn, staffEmail } from '../../../../test-support/staff.ts';

const HOUR = 3_600_000;

/** A POST with any Host header: fetch always sends the URL's own. */
function rawPost(server: TestServer, path: string, headers: Record<string, string>, body: unknown = {}) {
  const { port } = new URL(server.url);
  return new Promise<{ status: number; body: string; setCookie: string[] | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, setCookie: res.headers['set-cookie'] }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
const login = (server: TestServer, email: string, password: string) => api(server.url, '/api/staff/login', { body: { email, password } });

describe('staff sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: testClock('2027-03-01T06:00:00Z') });
  });
  after(() => server.cleanup());

  describe('POST /api/staff/login', () => {
    it('when the demo password is right, then it answers the session and sets a strict HttpOnly cookie', async () => {
      const response = await login(server, staffEmail.an, DEMO_PASSWORD);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.staff, { id: 'an', name: 'An Peeters', email: staffEmail.an, role: 'beheerder' });
      assert.equal(response.body.csrfHeader, 'X-CSRF-Token');
      assert.match(response.body.csrfToken, /^[\w-]{43}$/);
      const cookie = response.headers.getSetCookie()[0]!;
      assert.match(cookie, /^balie-staff=[\w-]{43}; path=\/; samesite=strict; httponly$/);
    });

    it('when an account is seeded, then its password is an argon2id hash and the session id is stored hashed', async () => {
      const hash = (await server.app.db.q.selectFrom('staff').select('password_hash').where('id', '=', 'bart').executeTakeFirstOrThrow()).password_hash;
      assert.match(hash ?? '', /^\$argon2id\$/);
      const { cookie } = await signIn(server, staffEmail.bart);
      const id = cookie.split('=')[1]!;
      const stored = (await server.app.db.q.selectFrom('staff_sessions').select('id_hash').where('staff_id', '=', 'bart').execute()).map((r) => r.id_hash);
      assert.ok(stored.length > 0);
      assert.ok(!stored.includes(id), 'the raw session id is not in the database');
    });

    it('when the password or the e-mail is wrong, then 401 without saying which', async () => {
      const wrongPassword = await login(server, staffEmail.chloe, 'not-the-password');
      const unknownEmail = await login(server, 'nobody@wilsede.invalid', DEMO_PASSWORD);
      assert.equal(wrongPassword.status, 401);
      assert.equal(unknownEmail.status, 401);
      assert.deepEqual(wrongPassword.body, unknownEmail.body);
      assert.equal(wrongPassword.body.error.code, 'invalid_credentials');
      assert.equal(cookieOf(wrongPassword.headers), '');
    });

    it('when five attempts fail, then the account is locked for 15 minutes on that IP, even for the right password', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await login(server, staffEmail.bart, `wrong-${i}`)).status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
      const locked = await login(server, staffEmail.bart, DEMO_PASSWORD);
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.code, 'too_many_attempts');
      assert.match(locked.body.error.message, /locked .* 15 minutes/);
      assert.equal(locked.headers.get('retry-after'), '900');
      // Another account from the same IP is not affected.
      assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD)).status, 200);

      server.clock.advance(15 * 60_000 + 1000);
      assert.equal((await login(server, staffEmail.bart, DEMO_PASSWORD)).status, 200);
    });
  });

  describe('GET /api/staff/session and expiry', () => {
    it('when no cookie is sent, then every staff route answers 401 JSON', async () => {
      for (const path of ['/api/staff/session', '/api/staff/agenda', '/api/staff/events', '/api/staff/dashboard', '/api/staff/services']) {
        const response = await api(server.url, path);
        assert.equal(response.status, 401, path);
        assert.equal(response.body.error.code, 'not_signed_in');
      }
    });

    it('when a citizen sends their Bearer link token, then a staff route still answers 401', async () => {
      const { token } = await book(server, await firstSlot(server.url));
      assert.equal((await api(server.url, '/api/appointment', { token })).status, 200);
      const response = await api(server.url, '/api/staff/agenda', { token });
      assert.equal(response.status, 401);
    });

    it('when the session idles for two hours, then it ends; activity keeps it alive until the absolute eight hours', async () => {
      const idle = await signIn(server);
      server.clock.advance(2 * HOUR - 60_000);
      assert.equal((await idle.request('/api/staff/session')).status, 200);
      server.clock.advance(2 * HOUR + 1000);
      const expired = await idle.request('/api/staff/session');
      assert.equal(expired.status, 401);
      assert.match(expired.headers.getSetCookie()[0] ?? '', /balie-staff=;.*expires=Thu, 01 Jan 1970/);

      const busy = await signIn(server);
      for (let i = 0; i < 4; i++) {
        server.clock.advance(HOUR + 50 * 60_000); // 7 h 20 in all, never idle for 2 h
        assert.equal((await busy.request('/api/staff/session')).status, 200, `after ${i + 1} steps`);
      }
      server.clock.advance(HOUR);
      assert.equal((await busy.request('/api/staff/session')).status, 401);
    });

    it('when signing out, then the cookie no longer opens anything', async () => {
      const client = await signIn(server);
      assert.equal((await client.request('/api/staff/logout', { method: 'POST' })).status, 204);
      assert.equal((await client.request('/api/staff/session')).status, 401);
    });
  });

  describe('CSRF', () => {
    it('when a write comes without the X-CSRF-Token header or with a wrong one, then 403 and nothing changes', async () => {
      const client = await signIn(server);
      const body = { notes: 'should not be saved' };
      const missing = await client.request('/api/staff/logout', { method: 'POST', csrf: false });
      assert.equal(missing.status, 403);
      assert.equal(missing.body.error.code, 'csrf_failed');
      const wrong = await client.request('/api/staff/password', {
        body: { currentPassword: DEMO_PASSWORD, newPassword: 'a-new-password' },
        csrf: false,
        headers: { 'x-csrf-token': 'x'.repeat(43) },
      });
      assert.equal(wrong.status, 403);
      assert.equal((await client.request('/api/staff/session')).status, 200, 'still signed in');
      const otherSession = await signIn(server);
      const crossed = await client.request('/api/staff/appointments/none', { method: 'PATCH', body, csrf: false, headers: { 'x-csrf-token': otherSession.csrfToken } });
      assert.equal(crossed.status, 403, 'a token of another session does not fit');
    });

    it('when a write carries another site as Origin, then 403 even with the right token', async () => {
      const client = await signIn(server);
      const response = await client.request('/api/staff/logout', { method: 'POST', headers: { origin: 'https://evil.example' } });
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'cross_origin');
      const login = await api(server.url, '/api/staff/login', {
        body: { email: staffEmail.an, password: DEMO_PASSWORD },
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(login.status, 403, 'login CSRF is refused too');
      const sameOrigin = await client.request('/api/staff/logout', { method: 'POST', headers: { origin: server.url } });
      assert.equal(sameOrigin.status, 204);
    });

    it('when a write carries another site as Origin and as Host (DNS rebinding), then 403: only PUBLIC_URL counts', async () => {
      const client = await signIn(server);
      const forged = { origin: 'https://evil.example', host: 'evil.example', cookie: client.cookie, 'x-csrf-token': client.csrfToken };
      const logout = await rawPost(server, '/api/staff/logout', forged);
      assert.equal(logout.status, 403);
      assert.equal(JSON.parse(logout.body).error.code, 'cross_origin');
      const login = await rawPost(server, '/api/staff/login', { origin: 'http://evil.example', host: 'evil.example' }, { email: staffEmail.an, password: DEMO_PASSWORD });
      assert.equal(login.status, 403);
      assert.equal(login.setCookie, undefined, 'no session was started');
      assert.equal((await client.request('/api/staff/session')).status, 200, 'still signed in');
    });

    it('when a write has no Origin but a Referer of another site, then 403; the console’s own Referer passes', async () => {
      const client = await signIn(server);
      const refused = await client.request('/api/staff/logout', { method: 'POST', headers: { referer: 'https://evil.example/balie' } });
      assert.equal(refused.status, 403);
      const own = await client.request('/api/staff/logout', { method: 'POST', headers: { referer: `${server.url}/medewerker` } });
      assert.equal(own.status, 204);
    });

    it('when a loopback PUBLIC_URL is opened as localhost instead of 127.0.0.1, then the console still signs in', async () => {
      const port = new URL(server.url).port;
      const response = await api(server.url, '/api/staff/login', {
        body: { email: staffEmail.an, password: DEMO_PASSWORD },
        headers: { origin: `http://localhost:${port}` },
      });
      assert.equal(response.status, 200);
      const otherPort = await api(server.url, '/api/staff/login', {
        body: { email: staffEmail.an, password: DEMO_PASSWORD },
        headers: { origin: `http://localhost:${Number(port) + 1}` },
      });
      assert.equal(otherPort.status, 403, 'another local service is another origin');
    });
  });

  describe('roles and accounts', () => {
    it('when a medewerker creates an account or edits a service, then 403', async () => {
      const bart = await signIn(server, staffEmail.bart);
      const account = await bart.request('/api/staff/accounts', {
        body: { name: 'Dirk De Vos', email: 'dirk.devos@wilsede.invalid', role: 'beheerder', password: 'long-enough-pw' },
      });
      assert.equal(account.status, 403);
      assert.equal(account.body.error.code, 'forbidden');
      const service = await bart.request('/api/staff/services/reistoelating', { method: 'PATCH', body: { horizonDays: 10 } });
      assert.equal(service.status, 403);
      const hours = await bart.request('/api/staff/opening-hours/bart', { method: 'PUT', body: { hours: [] } });
      assert.equal(hours.status, 403);
      assert.equal((await bart.request('/api/staff/services')).status, 200, 'reading is fine');
    });

    it('when a beheerder creates an account, then the new colleague can sign in with that password', async () => {
      const an = await signIn(server);
      const created = await an.request('/api/staff/accounts', {
        body: { name: 'Dirk De Vos', email: 'dirk.devos@wilsede.invalid', role: 'medewerker', password: 'welkom-dirk-2027', serviceIds: ['reistoelating'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body, {
        id: 'dirk-devos',
        name: 'Dirk De Vos',
        email: 'dirk.devos@wilsede.invalid',
        role: 'medewerker',
        active: true,
        serviceIds: ['reistoelating'],
        mustChangePassword: true,
        totp: false,
        oidc: false,
      });
      const again = await an.request('/api/staff/accounts', {
        body: { name: 'Dirk', email: 'DIRK.devos@wilsede.invalid', role: 'medewerker', password: 'welkom-dirk-2027' },
      });
      assert.equal(again.status, 409);
      const dirk = await signIn(server, 'dirk.devos@wilsede.invalid', 'welkom-dirk-2027');
      assert.equal(dirk.staff.role, 'medewerker');
      // The beheerder chose this password: Dirk must choose his own first (staff-lifecycle.test.ts).
      assert.equal((await dirk.request('/api/staff/session')).body.pending, 'password');
    });

    it('when changing one’s own password, then the current one is needed and other sessions end', async () => {
      const chloe = await signIn(server, staffEmail.chloe);
      const elsewhere = await signIn(server, staffEmail.chloe);
      const wrong = await chloe.request('/api/staff/password', { body: { currentPassword: 'guess-guess', newPassword: 'chloe-nieuw-2027' } });
      assert.equal(wrong.status, 422);
      assert.ok(wrong.body.error.fields.currentPassword);
      const short = await chloe.request('/api/staff/password', { body: { currentPassword: DEMO_PASSWORD, newPassword: 'short' } });
      assert.equal(short.status, 422);
      const changed = await chloe.request('/api/staff/password', { body: { currentPassword: DEMO_PASSWORD, newPassword: 'chloe-nieuw-2027' } });
      assert.equal(changed.status, 204);
      assert.equal((await chloe.request('/api/staff/session')).status, 200);
      assert.equal((await elsewhere.request('/api/staff/session')).status, 401);
      assert.equal((await login(server, staffEmail.chloe, DEMO_PASSWORD)).status, 401);
      await signIn(server, staffEmail.chloe, 'chloe-nieuw-2027');
    });
  });
});

describe('GET /medewerker', () => {
  it('when opened with or without a trailing slash, then the console page loads the widget under a strict CSP', async () => {
    const server = await startTestServer();
    try {
      for (const path of ['/medewerker', '/medewerker/']) {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200, path);
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self';/);
        const html = await response.text();
        assert.ok(html.includes('<digitale-balie-medewerker></digitale-balie-medewerker>'));
        assert.ok(html.includes('<script type="module" src="/widget/digitale-balie.js"></script>'));
        assert.ok(!/<script>|<style|style=/.test(html), 'no inline script or style');
      }
    } finally {
      await server.cleanup();
    }
  });
});

describe('staff sessions over HTTPS', () => {
  it('when PUBLIC_URL is https, then the cookie is Secure with the __Host- prefix', async () => {
    const server = await startTestServer({ env: { PUBLIC_URL: 'https://balie.wilsede.invalid' } });
    try {
      const response = await login(server, staffEmail.an, server.app.config.demoStaffPassword!);
      assert.equal(response.status, 200);
      assert.match(response.headers.getSetCookie()[0]!, /^__Host-balie-staff=[\w-]{43}; path=\/; samesite=strict; secure; httponly$/);
      const port = new URL(server.url).port;
      const hostOrigin = await rawPost(server, '/api/staff/login', { origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` }, { email: staffEmail.an, password: server.app.config.demoStaffPassword! });
      assert.equal(hostOrigin.status, 403, 'an origin that only matches the Host header is refused');
      const own = await api(server.url, '/api/staff/login', { body: { email: staffEmail.an, password: server.app.config.demoStaffPassword! }, headers: { origin: 'https://balie.wilsede.invalid' } });
      assert.equal(own.status, 200, JSON.stringify(own.body));
    } finally {
      await server.cleanup();
    }
  });
});
