import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Who signs in at the test provider next: the claims its id_token carries. */
export interface ProviderUser {
  sub: string;
  email?: string;
  name?: string;
  /** Keycloak's shape: `realm_access.roles` (OIDC_ROLE_CLAIM=realm_access.roles in the tests). */
  roles?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The env a Digitale Balie server needs to use this provider. */
  env: Record<string, string>;
  /** The person the next sign-in at the provider is (no login form: the test decides). */
  user: ProviderUser;
  /** Every request path the provider received (e.g. `/session/end`), in order. */
  requests: string[];
  stop(): Promise<void>;
}

export const ROLE_BEHEERDER = 'balie-beheerder';
export const ROLE_MEDEWERKER = 'balie-medewerker';

/**
 * A real OpenID provider (panva's oidc-provider) on 127.0.0.1 for the tests. Its interaction step
 * signs in `provider.user` at once and grants the scopes asked, so a browser or fetch goes straight
 * through; everything else (PKCE, state, nonce, id_token signing, end_session) is the library's own.
 */
export async function startTestProvider(opts: { serverUrl: string }): Promise<TestProvider> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clientId = 'digitale-balie';
  const clientSecret = 'test-client-secret-that-is-long-enough';
  const requests: string[] = [];
  const state: { user: ProviderUser } = { user: { sub: 'nobody' } };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${opts.serverUrl}/api/staff/oidc/callback`],
        post_logout_redirect_uris: [`${opts.serverUrl}/medewerker`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['realm_access'] },
    // Scope claims in the id_token too (Keycloak's default), not only at userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const user = state.user;
      if (sub !== user.sub) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: user.email, email_verified: true, name: user.name, ...(user.roles ? { realm_access: { roles: user.roles } } : {}) }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-provider-cookie-key'] },
    // A key of its own per run (RS256, the id_token default), not the library's development keys.
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig' }] as never },
  });
  // Quiet: refused requests are what some tests are about.
  provider.on('server_error', () => {});

  const callback = provider.callback();
  http.on('request', async (req, res) => {
    requests.push(new URL(req.url!, issuer).pathname);
    if (!req.url!.startsWith('/interaction/')) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = state.user.sub;
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_SCOPES: 'openid email profile roles',
      OIDC_NAME: 'Testprovider',
      OIDC_ROLE_CLAIM: 'realm_access.roles',
      OIDC_ROLE_BEHEERDER: ROLE_BEHEERDER,
      OIDC_ROLE_MEDEWERKER: ROLE_MEDEWERKER,
    },
    get user() {
      return state.user;
    },
    set user(user: ProviderUser) {
      state.user = user;
    },
    requests,
    stop: () => new Promise<void>((resolve) => (http as Server).close(() => resolve())),
  };
}

/** A tiny cookie jar per host for following redirects with fetch. */
function jar() {
  const cookies = new Map<string, Map<string, string>>();
  return {
    header: (url: URL) => [...(cookies.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; '),
    store(url: URL, headers: Headers) {
      const forHost = cookies.get(url.host) ?? new Map<string, string>();
      for (const line of headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        const value = pair!.slice(at + 1);
        if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) forHost.delete(pair!.slice(0, at));
        else forHost.set(pair!.slice(0, at), value);
      }
      cookies.set(url.host, forHost);
    },
    set(url: URL, name: string, value: string) {
      const forHost = cookies.get(url.host) ?? new Map<string, string>();
      forHost.set(name, value);
      cookies.set(url.host, forHost);
    },
  };
}

/**
 * Signs in through the provider with fetch, following every redirect by hand (with cookies per host),
 * until the answer of our callback. `tamper` may change the callback URL before it is requested.
 */
export async function oidcSignInByFetch(serverUrl: string, opts: { tamper?: (callback: URL) => URL | Promise<URL>; dropBinding?: boolean } = {}) {
  const cookies = jar();
  let url = new URL('/api/staff/oidc/start', serverUrl);
  for (let hops = 0; hops < 20; hops++) {
    const isCallback = url.pathname === '/api/staff/oidc/callback';
    if (isCallback && opts.tamper) url = await opts.tamper(url);
    if (isCallback && opts.dropBinding) cookies.set(url, 'balie-oidc', 'someone-elses');
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.header(url) } });
    cookies.store(url, response.headers);
    if (isCallback) {
      const session = response.headers.getSetCookie().find((c) => c.startsWith('balie-staff='));
      return { response, cookie: session?.split(';')[0] ?? '', body: await response.text() };
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`no redirect from ${url.href}: ${response.status} ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}
