import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { api, startTestServer, type TestServer } from '../../../../test-support/server.ts';
import { cookieOf, openEventStream, signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

describe('account lifecycle', () => {
  let server: TestServer;
  let an: StaffClient;
  before(async () => {
    server = await startTestServer();
    an = await signIn(server);
  });
  after(() => server?.cleanup());

  const account = async (id: string) => (await an.request('/api/staff/accounts')).body.find((a: { id: string }) => a.id === id);

  describe('deactivate and reactivate', () => {
    it('when a beheerder deactivates an account, then its open session gets 401 at once and it cannot sign in; reactivated, it can', async () => {
      const bart = await signIn(server, staffEmail.bart);
      const stream = await openEventStream(server, bart.cookie);
      assert.equal((await bart.request('/api/staff/agenda')).status, 200);

      const off = await an.request('/api/staff/accounts/bart', { method: 'PATCH', body: { active: false } });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.active, false);
      assert.equal((await bart.request('/api/staff/agenda')).status, 401);
      assert.equal((await bart.request('/api/staff/session')).status, 401);
      assert.equal((await sql<{ n: number }>`SELECT count(*) AS n FROM staff_sessions WHERE staff_id = 'bart'`.execute(server.app.db.q)).rows.map((r) => Number(r.n))[0], 0);
      stream.close();
      const login = await api(server.url, '/api/staff/login', { body: { email: staffEmail.bart, password: server.app.config.demoStaffPassword } });
      assert.equal(login.status, 401);

      const on = await an.request('/api/staff/accounts/bart', { method: 'PATCH', body: { active: true } });
      assert.equal(on.body.active, true);
      const again = await signIn(server, staffEmail.bart);
      assert.equal((await again.request('/api/staff/agenda')).status, 200);
    });

    it('when a medewerker tries it, then 403 and nothing changes', async () => {
      const chloe = await signIn(server, staffEmail.chloe);
      const refused = await chloe.request('/api/staff/accounts/an', { method: 'PATCH', body: { active: false } });
      assert.equal(refused.status, 403);
      const link = await chloe.request('/api/staff/accounts/an/password-link', { body: {} });
      assert.equal(link.status, 403);
      assert.equal((await account('an')).active, true);
      assert.equal((await an.request('/api/staff/session')).status, 200);
    });

    it('when the request has no CSRF token, then 403 and the account stays active', async () => {
      const refused = await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { active: false }, csrf: false });
      assert.equal(refused.status, 403);
      assert.equal((await account('chloe')).active, true);
    });

    it('when the body or the id is bad, then 422 or 404, never 500', async () => {
      assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: {} })).status, 422);
      assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { role: 'admin' } })).status, 422);
      assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { active: 'no' } })).status, 422);
      assert.equal((await an.request('/api/staff/accounts/nobody', { method: 'PATCH', body: { active: false } })).status, 404);
      assert.equal((await an.request('/api/staff/accounts/nobody/password-link', { body: {} })).status, 404);
    });
  });

  describe('roles and the last beheerder', () => {
    it('when the only beheerder demotes or deactivates themselves, then 409 and they stay beheerder', async () => {
      const demote = await an.request('/api/staff/accounts/an', { method: 'PATCH', body: { role: 'medewerker' } });
      assert.equal(demote.status, 409);
      assert.equal(demote.body.error.code, 'last_beheerder');
      const off = await an.request('/api/staff/accounts/an', { method: 'PATCH', body: { active: false } });
      assert.equal(off.status, 409);
      assert.equal((await account('an')).role, 'beheerder');
      assert.equal((await an.request('/api/staff/session')).status, 200);
    });

    it('when another beheerder exists, then a role change counts for the open session at once, and demoting oneself works', async () => {
      const chloe = await signIn(server, staffEmail.chloe);
      assert.equal((await chloe.request('/api/staff/access-log')).status, 403);
      const up = await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { role: 'beheerder' } });
      assert.equal(up.body.role, 'beheerder');
      assert.equal((await chloe.request('/api/staff/access-log')).status, 200);
      // Chloe is beheerder now, so An may step down; then Chloe is the last one.
      assert.equal((await an.request('/api/staff/accounts/an', { method: 'PATCH', body: { role: 'medewerker' } })).status, 200);
      assert.equal((await chloe.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { active: false } })).status, 409);
      assert.equal((await chloe.request('/api/staff/accounts/an', { method: 'PATCH', body: { role: 'beheerder' } })).status, 200);
      assert.equal((await an.request('/api/staff/accounts/chloe', { method: 'PATCH', body: { role: 'medewerker' } })).status, 200);
    });
  });

  describe('a reset link', () => {
    it('when a beheerder resets a password, then the link sets a new one once; the old password works until then', async () => {
      const link = await an.request('/api/staff/accounts/chloe/password-link', { body: {} });
      assert.equal(link.status, 201, JSON.stringify(link.body));
      const url = new URL(link.body.url);
      assert.equal(url.origin + url.pathname, `${server.url}/medewerker`);
      const token = url.hash.slice('#wachtwoord='.length);
      assert.equal(token.length, 43);
      const chloe = await signIn(server, staffEmail.chloe);
      const set = await api(server.url, '/api/staff/password-link', { body: { token, newPassword: 'chloe-eigen-wachtwoord-2027' } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal((await chloe.request('/api/staff/session')).status, 401, 'the sessions of the old password end');
      const twice = await api(server.url, '/api/staff/password-link', { body: { token, newPassword: 'iemand-anders-2027-xyz' } });
      assert.equal(twice.status, 410);
      await signIn(server, staffEmail.chloe, 'chloe-eigen-wachtwoord-2027');
    });
  });

  describe('a temporary password', () => {
    it('when an account made by a beheerder signs in, then it must choose its own password before anything else', async () => {
      const created = await an.request('/api/staff/accounts', {
        body: { name: 'Els Wouters', email: 'els.wouters@wilsede.invalid', role: 'medewerker', password: 'tijdelijk-els-2027' },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.mustChangePassword, true);
      const els = await signIn(server, 'els.wouters@wilsede.invalid', 'tijdelijk-els-2027');
      const me = await els.request('/api/staff/session');
      assert.equal(me.body.pending, 'password');
      for (const path of ['/api/staff/agenda', '/api/staff/accounts', '/api/staff/services']) {
        const refused = await els.request(path);
        assert.equal(refused.status, 403, path);
        assert.equal(refused.body.error.code, 'sign_in_incomplete');
      }
      const same = await els.request('/api/staff/password', { body: { currentPassword: 'tijdelijk-els-2027', newPassword: 'password123' } });
      assert.equal(same.status, 422, 'a common password is still refused');
      const changed = await els.request('/api/staff/password', { body: { currentPassword: 'tijdelijk-els-2027', newPassword: 'els-haar-eigen-2027' } });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.pending, null);
      const cookie = cookieOf(changed.headers);
      assert.notEqual(cookie, els.cookie, 'a new session id once signed in');
      assert.equal((await els.request('/api/staff/agenda')).status, 401, 'the half-open session is gone');
      const agenda = await api(server.url, '/api/staff/agenda', { headers: { cookie } });
      assert.equal(agenda.status, 200);
      assert.equal((await account('els-wouters')).mustChangePassword, false);
      const next = await signIn(server, 'els.wouters@wilsede.invalid', 'els-haar-eigen-2027');
      assert.equal((await next.request('/api/staff/session')).body.pending, null);
    });
  });
});
