import type Koa from 'koa';
import type { RecordAccess } from '../access-log/service.ts';
import type { BookingService } from '../booking/service.ts';
import { bookingStore } from '../booking/store.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { accountsStore } from './accounts-store.ts';
import { staffAccounts } from './accounts.ts';
import { staffAdminRoutes } from './admin-routes.ts';
import { staffAgenda, type DossierDocument } from './agenda.ts';
import { staffAppointmentsStore } from './appointments-store.ts';
import { catalogAdminStore } from './catalog-admin-store.ts';
import { catalogAdmin } from './catalog-admin.ts';
import { consolePageRoutes } from './console-page.ts';
import { consoleOrigins } from './csrf.ts';
import { staffDashboard } from './dashboard.ts';
import { revokePublishedDemoPassword, seedDemoPasswords } from './demo-passwords.ts';
import { staffDossier } from './dossier.ts';
import { feedbackComments, feedbackCommentsStore } from './feedback-comments.ts';
import { staffAuthenticator, staffGate } from './gate.ts';
import { hashGate } from './hash-gate.ts';
import type { IdentityProvider } from './identity.ts';
import { liveAgenda } from './live-events.ts';
import { loginThrottle } from './login-throttle.ts';
import { passwordIdentity } from './password-identity.ts';
import { mfaRoutes } from './mfa-routes.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { oidcStore } from './oidc-store.ts';
import { oidcSignIn } from './oidc.ts';
import { passwordLinkRoutes } from './password-link-routes.ts';
import { passwordLinksStore, setPasswordWithLink } from './password-links.ts';
import { defaultStaffPolicy, type StaffPolicy } from './policy.ts';
import { sessionCookie } from './session-cookie.ts';
import { staffSessions } from './sessions.ts';
import { signInSteps } from './sign-in-steps.ts';
import { passwordSignIn, throttledPasswordCheck } from './sign-in.ts';
import { staffTotp } from './totp.ts';
import { staffRoutes } from './routes.ts';

export interface StaffFeatureDeps {
  config: Config;
  db: Db;
  catalog: CatalogStore;
  booking: BookingService;
  events: EventBus;
  log: (message: string, error?: unknown) => void;
  /** Where medewerker.html lives. */
  pagesDir: string;
  policy?: Partial<StaffPolicy>;
  /** Defaults to password sign-in against the staff table. */
  identity?: IdentityProvider;
  /** The documents of an appointment shown in the dossier (the documents feature reads them). */
  documents?: (appointmentId: string) => Promise<DossierDocument[]>;
  /** The access log (app.accessLog.record). */
  recordAccess: RecordAccess;
}

/**
 * The staff console's server side: `mount` it after the body parser, `start` it in app.start() once the
 * database is migrated and seeded, `stop` it in app.stop().
 */
export function staffFeature(deps: StaffFeatureDeps) {
  const { config, db, catalog, events } = deps;
  const policy: StaffPolicy = { ...defaultStaffPolicy, ...deps.policy };
  const now = config.now;
  const https = config.publicUrl.startsWith('https:');

  const accounts = accountsStore(db);
  const sessions = staffSessions(db, { policy, now, secret: config.tokenSecret });
  const cookie = sessionCookie({ https });
  // STAFF_LOCAL_LOGIN=false: a provider without a password check, so POST /login refuses (403).
  const identity = deps.identity ?? (config.staffLocalLogin ? passwordIdentity(accounts) : { method: 'password' });
  const appointments = staffAppointmentsStore(db);
  const agenda = staffAgenda({ catalog, store: appointments, now, documents: deps.documents });
  const live = liveAgenda(events, { heartbeatMs: policy.heartbeatMs });
  const passwordGate = hashGate({ concurrency: policy.hashConcurrency, queue: policy.hashQueue });
  const throttle = loginThrottle(db, policy, now);
  const check = throttledPasswordCheck({ throttle, gate: passwordGate, log: deps.log });
  const links = passwordLinksStore(db, now);
  const totp = staffTotp(db, { tokenSecret: config.tokenSecret, now });
  const steps = signInSteps({ accounts, sessions, cookie, mfa: config.staffMfa });
  const oidc = config.oidc && oidcSignIn({ db, config: config.oidc, publicUrl: config.publicUrl, store: oidcStore(db, now), accounts, flowMs: policy.oidcFlowMs, log: deps.log });
  // Failure rows hold client addresses: keep them only as long as they count.
  const purge = () => throttle.purge().catch((error: unknown) => deps.log('purging old sign-in failures failed', error));
  let purgeTimer: NodeJS.Timeout | undefined;

  const routers = [
    staffRoutes({
      sessions,
      cookie,
      signIn: passwordSignIn({ identity, check, sessions, firstStep: steps.first }),
      accounts: staffAccounts({ accounts, catalog, sessions, check, gate: passwordGate, links, publicUrl: config.publicUrl }),
      agenda,
      dossier: staffDossier({ agenda, store: appointments, bookings: bookingStore(db), booking: deps.booking, events, now }),
      live,
      recordAccess: deps.recordAccess,
      steps,
      endSessionUrl: oidc ? (idToken) => oidc.endSessionUrl(idToken) : undefined,
    }),
    mfaRoutes({
      totp,
      sessions,
      steps,
      check,
      mfa: config.staffMfa,
      options: { local: config.staffLocalLogin, oidc: oidc ? { name: oidc.name, startUrl: '/api/staff/oidc/start' } : null },
    }),
    ...(oidc ? [oidcRoutes({ oidc, sessions, cookie, publicUrl: config.publicUrl, https, flowMs: policy.oidcFlowMs, log: deps.log })] : []),
    staffAdminRoutes({
      admin: catalogAdmin({ catalog, store: catalogAdminStore(db), accounts, appointments, now }),
      dashboard: staffDashboard({ catalog, store: appointments, now }),
      comments: feedbackComments({ catalog, store: feedbackCommentsStore(db), now }),
    }),
    passwordLinkRoutes(setPasswordWithLink({ links, accounts, endSessions: sessions.endAll })),
    consolePageRoutes(deps.pagesDir),
  ];

  const gateDeps = { sessions, cookie, origins: consoleOrigins(config.publicUrl) };
  const gate = staffGate(gateDeps);

  return {
    /**
     * The demo team's passwords (the published one taken away from a server others reach, the demo
     * password given where configured), then the first purge of old sign-in failures and its timer.
     */
    async start() {
      if (!config.localStart) {
        const revoked = await revokePublishedDemoPassword(accounts, sessions.endAll);
        if (revoked.length) deps.log(`the published demo password was removed from ${revoked.join(', ')}: this server is reachable by others (npm run admin -- password-link gives a new one)`);
      }
      if (config.demoStaffPassword) await seedDemoPasswords(accounts, config.demoStaffPassword);
      await purge();
      purgeTimer = setInterval(() => void purge(), policy.purgeIntervalMs);
      purgeTimer.unref();
    },
    /** Adds the gate and the routes; call after the body parser. */
    mount(app: Koa) {
      app.use(gate);
      for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
    },
    /** The gate's checks for staff requests outside /api/staff (uploads under /files). */
    authenticate: staffAuthenticator(gateDeps),
    /** Hashes running now, places taken and the most hashes ever at once (tests, diagnostics). */
    passwordChecks: () => passwordGate.stats(),
    /** Forgets sign-in failures that no longer count; also runs at start and every `purgeIntervalMs`. */
    purgeLoginFailures: () => throttle.purge(),
    /** Ends the live event streams so the HTTP server can close. */
    stop() {
      clearInterval(purgeTimer);
      live.close();
    },
  };
}
