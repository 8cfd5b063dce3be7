import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oidcSignInByFetch, ROLE_BEHEERDER, ROLE_MEDEWERKER, startTestProvider, type TestProvider } from '../../../../test-support/oidc-provider.ts';
import { api, freePort, startTestServer, type TestServer } from '../../../../test-support/server.ts';
import { staffEmail } from '../../../../test-support/staff.ts';
import { loadConfig } from '../config.ts';
import { claimAt, roleFrom } from './oidc.ts';

const session = (server: TestServer, cookie: string) => api(server.url, '/api/staff/session', { headers: { cookie } });

describe('OIDC sign-in', () => {
  let provider: TestProvider;
  let server: TestServer;

  before(async () => {
    const port = await freePort();
    provider = await startTestProvider({ serverUrl: `http://127.0.0.1:${port}` });
    server = await startTestServer({ port, env: provider.env });
  });
  after(async () => {
    await server?.cleanup();
    await provider?.stop();
  });

  it('when the console asks, then it offers the provider by name next to the password', async () => {
    const options = await api(server.url, '/api/staff/sign-in-options');
    assert.deepEqual(options.body, { local: true, oidc: { name: 'Testprovider', startUrl: '/api/staff/oidc/start' } });
  });

  it('when an unknown person with the beheerder role signs in, then a beheerder account is created and the session opens', async () => {
    provider.user = { sub: 'kc-0001', email: 'eva.maes@wilsede.invalid', name: 'Eva Maes', roles: ['offline_access', ROLE_BEHEERDER] };
    const { response, cookie } = await oidcSignInByFetch(server.url);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/medewerker');
    const me = await session(server, cookie);
    assert.equal(me.status, 200);
    assert.deepEqual({ ...me.body.staff, method: me.body.method, pending: me.body.pending }, {
      id: 'eva-maes', name: 'Eva Maes', email: 'eva.maes@wilsede.invalid', role: 'beheerder', method: 'oidc', pending: null,
    });
    const accounts = await api(server.url, '/api/staff/accounts', { headers: { cookie } });
    assert.equal(accounts.body.find((a: { id: string }) => a.id === 'eva-maes').oidc, true);
  });

  it('when the provider changes the role, then the next sign-in has the new role (the same account)', async () => {
    provider.user = { sub: 'kc-0001', email: 'eva.maes@wilsede.invalid', name: 'Eva Maes', roles: [ROLE_MEDEWERKER] };
    const { cookie } = await oidcSignInByFetch(server.url);
    const me = await session(server, cookie);
    assert.equal(me.body.staff.id, 'eva-maes');
    assert.equal(me.body.staff.role, 'medewerker');
    const forbidden = await api(server.url, '/api/staff/access-log', { headers: { cookie } });
    assert.equal(forbidden.status, 403);
  });

  it('when the person has no role for us, then a page in four languages refuses and no account or session exists', async () => {
    provider.user = { sub: 'kc-0002', email: 'piet.geen.rol@wilsede.invalid', name: 'Piet', roles: ['something-else'] };
    const { response, cookie, body } = await oidcSignInByFetch(server.url);
    assert.equal(response.status, 403);
    assert.equal(cookie, '');
    assert.match(body, /data-oidc-refused="no_role"/);
    for (const text of ['geen rol in de Digitale Balie', 'pas de rôle', 'no role in the Digitale Balie', 'keine Rolle']) assert.ok(body.includes(text), text);
    const an = await api(server.url, '/api/staff/login', { body: { email: staffEmail.an, password: server.app.config.demoStaffPassword } });
    const accounts = await api(server.url, '/api/staff/accounts', { headers: { cookie: an.headers.getSetCookie()[0]!.split(';')[0]! } });
    assert.ok(!accounts.body.some((a: { email: string }) => a.email === 'piet.geen.rol@wilsede.invalid'));
  });

  it('when the state is wrong, then the callback is refused (400) and nobody is signed in', async () => {
    provider.user = { sub: 'kc-0003', email: 'state@wilsede.invalid', name: 'State', roles: [ROLE_BEHEERDER] };
    const { response, cookie, body } = await oidcSignInByFetch(server.url, {
      tamper: (url) => {
        url.searchParams.set('state', 'x'.repeat(43));
        return url;
      },
    });
    assert.equal(response.status, 400);
    assert.equal(cookie, '');
    assert.match(body, /data-oidc-refused="expired"/);
  });

  it('when the callback arrives in another browser (login CSRF), then it is refused', async () => {
    provider.user = { sub: 'kc-0003', email: 'state@wilsede.invalid', name: 'State', roles: [ROLE_BEHEERDER] };
    const { response, cookie } = await oidcSignInByFetch(server.url, { dropBinding: true });
    assert.equal(response.status, 400);
    assert.equal(cookie, '');
  });

  it('when the stored nonce does not match the id_token, then the callback is refused', async () => {
    provider.user = { sub: 'kc-0004', email: 'nonce@wilsede.invalid', name: 'Nonce', roles: [ROLE_BEHEERDER] };
    const { response, cookie, body } = await oidcSignInByFetch(server.url, {
      tamper: async (url) => {
        // The attacker's id_token was issued for another nonce: rewrite the one we keep.
        await server.app.db.q.updateTable('staff_oidc_flows').set({ nonce: 'not-the-nonce-sent' }).execute();
        return url;
      },
    });
    assert.equal(response.status, 400);
    assert.equal(cookie, '');
    assert.match(body, /data-oidc-refused="failed"/);
  });

  it('when a callback URL is replayed, then it is refused the second time', async () => {
    provider.user = { sub: 'kc-0001', email: 'eva.maes@wilsede.invalid', name: 'Eva Maes', roles: [ROLE_BEHEERDER] };
    let seen: URL | undefined;
    const first = await oidcSignInByFetch(server.url, { tamper: (url) => (seen = new URL(url)) });
    assert.equal(first.response.status, 302);
    const again = await fetch(seen!, { redirect: 'manual' });
    assert.equal(again.status, 400);
  });

  it('when a deactivated person signs in at the provider, then they are refused', async () => {
    const an = await api(server.url, '/api/staff/login', { body: { email: staffEmail.an, password: server.app.config.demoStaffPassword } });
    const cookie = an.headers.getSetCookie()[0]!.split(';')[0]!;
    const off = await api(server.url, '/api/staff/accounts/eva-maes', { method: 'PATCH', body: { active: false }, headers: { cookie, 'x-csrf-token': an.body.csrfToken } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    provider.user = { sub: 'kc-0001', email: 'eva.maes@wilsede.invalid', name: 'Eva Maes', roles: [ROLE_BEHEERDER] };
    const { response, body } = await oidcSignInByFetch(server.url);
    assert.equal(response.status, 403);
    assert.match(body, /data-oidc-refused="inactive"/);
  });

  it('when an OIDC session signs out, then the answer sends the browser to the provider with id_token_hint', async () => {
    provider.user = { sub: 'kc-0005', email: 'jan.uit@wilsede.invalid', name: 'Jan', roles: [ROLE_MEDEWERKER] };
    const { cookie } = await oidcSignInByFetch(server.url);
    const me = await session(server, cookie);
    const out = await api(server.url, '/api/staff/logout', { body: {}, headers: { cookie, 'x-csrf-token': me.body.csrfToken } });
    assert.equal(out.status, 200);
    const target = new URL(out.body.redirectTo);
    assert.equal(target.origin, provider.issuer);
    assert.equal(target.pathname, '/session/end');
    assert.ok(target.searchParams.get('id_token_hint'));
    assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${server.url}/medewerker`);
    assert.equal((await session(server, cookie)).status, 401);
    const end = await fetch(target, { redirect: 'manual' });
    assert.equal(end.status, 200, 'the provider accepts the hint and the redirect');
  });
});

describe('OIDC configuration', () => {
  const base = { DATA_DIR: '/tmp/balie-oidc-config', OIDC_ISSUER: 'https://idp.example.be/realms/wilsede', OIDC_CLIENT_ID: 'balie', OIDC_CLIENT_SECRET: 's', OIDC_ROLE_CLAIM: 'realm_access.roles', OIDC_ROLE_BEHEERDER: 'b', OIDC_ROLE_MEDEWERKER: 'm' };

  it('when every OIDC variable is set, then the config has them with defaults', () => {
    const config = loadConfig(base);
    assert.equal(config.oidc?.scopes, 'openid email profile');
    assert.equal(config.oidc?.name, 'idp.example.be');
    assert.equal(config.staffLocalLogin, true);
    assert.equal(config.staffMfa, 'optional');
  });

  it('when only some are set, then the start fails naming the missing ones', () => {
    assert.throws(() => loadConfig({ ...base, OIDC_CLIENT_SECRET: '' }), /OIDC_CLIENT_SECRET: required/);
    assert.throws(() => loadConfig({ DATA_DIR: base.DATA_DIR, OIDC_NAME: 'ACM' }), /OIDC_NAME: set OIDC_ISSUER/);
    assert.throws(() => loadConfig({ ...base, OIDC_ISSUER: 'http://idp.example.be' }), /OIDC_ISSUER: must be an https/);
    assert.throws(() => loadConfig({ ...base, OIDC_SCOPES: 'email profile' }), /must include openid/);
    assert.throws(() => loadConfig({ DATA_DIR: base.DATA_DIR, STAFF_LOCAL_LOGIN: 'false' }), /STAFF_LOCAL_LOGIN: false needs OIDC/);
    assert.throws(() => loadConfig({ DATA_DIR: base.DATA_DIR, STAFF_MFA: 'always' }), /STAFF_MFA/);
  });

  it('maps the role claims of ACM/IDM, Entra ID and Keycloak by configuration', () => {
    const acm = { dv_digitalebalie_rol_3d: ['DigitaleBalie-Beheerder:OVO000123'] };
    assert.equal(roleFrom(claimAt(acm, 'dv_digitalebalie_rol_3d'), { roleBeheerder: 'DigitaleBalie-Beheerder:OVO000123', roleMedewerker: 'DigitaleBalie-Medewerker:OVO000123' }), 'beheerder');
    assert.equal(roleFrom(claimAt({ roles: ['Balie.Medewerker'] }, 'roles'), { roleBeheerder: 'Balie.Beheerder', roleMedewerker: 'Balie.Medewerker' }), 'medewerker');
    assert.equal(roleFrom(claimAt({ realm_access: { roles: ['x'] } }, 'realm_access.roles'), { roleBeheerder: 'b', roleMedewerker: 'm' }), undefined);
    assert.equal(roleFrom(claimAt({ role: 'b' }, 'role'), { roleBeheerder: 'b', roleMedewerker: 'm' }), 'beheerder');
  });
});
