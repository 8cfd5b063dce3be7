import * as client from 'openid-client';
import type { OidcConfig } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { AccountRow, AccountsStore } from './accounts-store.ts';
import { idFor, idTaken } from './accounts.ts';
import type { StaffAccount, StaffRole } from './identity.ts';
import type { OidcStore } from './oidc-store.ts';

/** Why a callback did not sign anyone in; each has its own page (oidc-routes.ts). */
export type OidcRefusalReason = 'no_role' | 'inactive' | 'email_taken' | 'no_email' | 'expired' | 'failed';

export class OidcRefusal extends Error {
  constructor(
    readonly reason: OidcRefusalReason,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The value at a dot path (`realm_access.roles`); a claim whose own name has dots is found whole first. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), claims);
}

/**
 * Our role from the role claim: a string or a list of strings (Entra ID `roles`, Keycloak
 * `realm_access.roles`, ACM/IDM's per-application claim such as `dv_<app>_rol_3d` with values like
 * `DigitaleBalie-Beheerder:OVO000000`). Exact matches only; beheerder wins when both are present.
 */
export function roleFrom(value: unknown, config: Pick<OidcConfig, 'roleBeheerder' | 'roleMedewerker'>): StaffRole | undefined {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  if (values.includes(config.roleBeheerder)) return 'beheerder';
  if (values.includes(config.roleMedewerker)) return 'medewerker';
  return undefined;
}

const oneLine = (value: unknown, max: number) =>
  typeof value === 'string' ? value.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, max) : '';
const emailLike = (value: unknown) => {
  const text = oneLine(value, 254);
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? text : '';
};

/**
 * Staff sign-in at the municipality's OpenID provider with openid-client: authorization code with
 * PKCE (S256), state and nonce from our own flow row, the id_token validated by the library
 * (signature from the provider's JWKS, iss, aud, exp, nonce). The discovery document is fetched on
 * first use and again after a failure, so a provider that is down at our start is no reason to fail.
 */
export function oidcSignIn(deps: { db: Db; config: OidcConfig; publicUrl: string; store: OidcStore; accounts: AccountsStore; flowMs: number; log: (message: string, error?: unknown) => void }) {
  const { config, store, accounts } = deps;
  const redirectUri = `${deps.publicUrl}/api/staff/oidc/callback`;
  // config.ts allows plain http only for an issuer on this machine (a test provider).
  const insecure = new URL(config.issuer).protocol === 'http:';
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      }));

  const createOrLink = (subject: string, profile: { name: string; email: string; role: StaffRole }): Promise<AccountRow> =>
    deps.db.transaction(async () => {
      const existing = await accounts.findByEmail(profile.email);
      if (existing?.oidc) throw new OidcRefusal('email_taken', 409, 'Another identity at the provider already signs in with this e-mail address.');
      // A local account of the same address becomes this person's: the operator configured this
      // provider for the municipality's own staff, and moving from passwords to OIDC must keep history.
      const id = existing?.id ?? (await idFor(profile.email, idTaken(accounts)));
      if (!existing) await accounts.create({ id, ...profile, passwordHash: null, serviceIds: [] });
      await store.link(config.issuer, subject, id);
      return (await accounts.get(id))!;
    });

  return {
    name: config.name,

    /** Where to send the browser; `browser` is the random binding the caller puts in a cookie. */
    async start(browser: string): Promise<URL> {
      const oidc = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      await store.begin({ state, browser, nonce, codeVerifier, validMs: deps.flowMs });
      return client.buildAuthorizationUrl(oidc, {
        redirect_uri: redirectUri,
        scope: config.scopes,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    /** Checks the callback and answers the staff member it signs in, with the id_token for sign-out. */
    async finish(currentUrl: URL, browser: string | undefined): Promise<{ account: StaffAccount; idToken: string | undefined }> {
      const state = currentUrl.searchParams.get('state');
      const flow = state ? await store.take(state, browser) : undefined;
      if (!state || !flow) throw new OidcRefusal('expired', 400, 'This sign-in was not started here, was already used or took too long.');
      const oidc = await configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(oidc, currentUrl, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        deps.log('OIDC sign-in refused', error);
        throw new OidcRefusal('failed', 400, 'The identity provider\'s answer could not be verified.');
      }
      const idClaims = tokens.claims()!;
      let claims: Record<string, unknown> = idClaims;
      // Keycloak and others may put roles only in userinfo; the id_token's claims win where both have one.
      if (claimAt(claims, config.roleClaim) === undefined && oidc.serverMetadata().userinfo_endpoint) {
        claims = { ...(await client.fetchUserInfo(oidc, tokens.access_token, idClaims.sub)), ...idClaims };
      }
      const role = roleFrom(claimAt(claims, config.roleClaim), config);
      if (!role) throw new OidcRefusal('no_role', 403, 'The identity provider gives this person no role in the Digitale Balie.');
      const email = emailLike(claims.email) || emailLike(claims.preferred_username) || emailLike(claims.upn);
      if (!email) throw new OidcRefusal('no_email', 403, 'The identity provider sends no e-mail address for this person.');
      const name = oneLine(claims.name, 120) || oneLine(`${oneLine(claims.given_name, 60)} ${oneLine(claims.family_name, 60)}`, 120) || email;

      const linked = await store.staffFor(config.issuer, idClaims.sub);
      const account = linked ? (await accounts.get(linked))! : await createOrLink(idClaims.sub, { name, email, role });
      if (!account.active) throw new OidcRefusal('inactive', 403, 'This account was deactivated by a beheerder.');
      // The provider is the source of the role: a change there counts from this sign-in on.
      if (account.role !== role) await accounts.setRole(account.id, role);
      if (account.name !== name || account.email !== email) {
        try {
          await accounts.setProfile(account.id, name, email);
        } catch (error) {
          deps.log('OIDC profile not updated (e-mail address in use by another account)', error);
        }
      }
      const current = (await accounts.get(account.id))!;
      return { account: { id: current.id, name: current.name, email: current.email, role: current.role }, idToken: tokens.id_token };
    },

    /** The provider's end-session URL (RP-Initiated Logout), or undefined when it has none. */
    async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
      const oidc = await configuration().catch(() => undefined);
      if (!oidc?.serverMetadata().end_session_endpoint) return undefined;
      const params: Record<string, string> = { post_logout_redirect_uri: `${deps.publicUrl}/medewerker`, client_id: config.clientId };
      if (idToken) params.id_token_hint = idToken;
      return client.buildEndSessionUrl(oidc, params).href;
    },
  };
}

export type OidcSignIn = ReturnType<typeof oidcSignIn>;
