import Router from '@koa/router';
import type { Context } from 'koa';
import type { RecordAccess } from '../access-log/service.ts';
import { parseBody, parseQuery } from '../http/validation.ts';
import type { StaffAccounts } from './accounts.ts';
import type { StaffAgenda } from './agenda.ts';
import type { StaffDossier } from './dossier.ts';
import { currentSession, currentStaff, STAFF_PREFIX } from './gate.ts';
import type { LiveAgenda } from './live-events.ts';
import { agendaQuerySchema, cancelSchema, dossierPatchSchema, followUpSchema, loginSchema, staffBookingSchema, updateAccountSchema, type SignedOut } from '@digitale-balie/contract';
import { changePasswordSchema, createAccountSchema } from './schemas.ts';
import type { SessionCookie } from './session-cookie.ts';
import { sessionInfo } from './session-info.ts';
import type { StaffSessions } from './sessions.ts';
import type { SignInSteps } from './sign-in-steps.ts';

export interface StaffRouteDeps {
  sessions: StaffSessions;
  cookie: SessionCookie;
  signIn: (input: { email: string; password: string }, ip: string) => Promise<{ id: string }>;
  accounts: StaffAccounts;
  agenda: StaffAgenda;
  dossier: StaffDossier;
  live: LiveAgenda;
  /** The access log: opening a dossier is a read of a citizen's data. */
  recordAccess: RecordAccess;
  steps: SignInSteps;
  /** The OpenID provider's end-session URL for an OIDC session's sign-out; undefined without OIDC. */
  endSessionUrl?: (idToken: string | undefined) => Promise<string | undefined>;
}


/** Session, accounts, agenda, dossier and live updates: thin routes over the staff use cases. */
export function staffRoutes(deps: StaffRouteDeps) {
  const { sessions, cookie, accounts, agenda, dossier } = deps;
  const router = new Router({ prefix: STAFF_PREFIX });
  const id = (ctx: Context) => ctx.params.id!;

  router.post('/login', async (ctx) => {
    const previous = cookie.read(ctx);
    if (previous) await sessions.end(previous);
    // ctx.ip: the socket's address, or with TRUST_PROXY the client's as our own proxies saw it.
    const { id } = await deps.signIn(parseBody(ctx, loginSchema), ctx.ip);
    cookie.write(ctx, id);
    ctx.body = sessionInfo((await sessions.resolve(id, { touch: false }))!);
  });

  router.get('/session', (ctx) => {
    ctx.body = sessionInfo(currentSession(ctx));
  });

  /**
   * Ends the session here (204); an OIDC session answers 200 with the provider's end-session URL (with
   * id_token_hint and post_logout_redirect_uri) for the console to go to, so the provider's session
   * ends too and the next person at this PC does not walk straight back in.
   */
  router.post('/logout', async (ctx) => {
    const active = currentSession(ctx);
    const idToken = active.session.method === 'oidc' ? await sessions.idToken(active.id) : undefined;
    await sessions.end(active.id);
    cookie.clear(ctx);
    const redirectTo = active.session.method === 'oidc' && deps.endSessionUrl ? await deps.endSessionUrl(idToken) : undefined;
    if (redirectTo) ctx.body = { redirectTo } satisfies SignedOut;
    else ctx.status = 204;
  });

  /** One's own new password; when it was the sign-in's step (a temporary password), the session moves on. */
  router.post('/password', async (ctx) => {
    const active = currentSession(ctx);
    await accounts.changePassword(active.account, active.id, parseBody(ctx, changePasswordSchema), ctx.ip);
    if (active.session.pending !== 'password') {
      ctx.status = 204;
      return;
    }
    const id = await deps.steps.advance(ctx, active);
    ctx.body = sessionInfo((await sessions.resolve(id, { touch: false }))!);
  });

  router.get('/accounts', async (ctx) => {
    ctx.body = await accounts.list();
  });

  router.post('/accounts', async (ctx) => {
    ctx.status = 201;
    ctx.body = await accounts.create(currentStaff(ctx), parseBody(ctx, createAccountSchema));
  });

  router.patch('/accounts/:id', async (ctx) => {
    ctx.body = await accounts.update(currentStaff(ctx), id(ctx), parseBody(ctx, updateAccountSchema));
  });

  router.post('/accounts/:id/password-link', async (ctx) => {
    ctx.status = 201;
    ctx.body = await accounts.passwordLink(currentStaff(ctx), id(ctx));
  });

  router.get('/agenda', async (ctx) => {
    ctx.body = await agenda.list(currentStaff(ctx), parseQuery(ctx, agendaQuerySchema));
  });

  router.get('/events', (ctx) => {
    const { session } = currentSession(ctx);
    deps.live.open(ctx, () => sessions.isActive(session.idHash));
  });

  /** "Afspraak maken voor een burger": behind the session and CSRF gate like every write here. */
  router.post('/appointments', async (ctx) => {
    ctx.status = 201;
    ctx.body = await dossier.bookForCitizen(currentStaff(ctx), parseBody(ctx, staffBookingSchema));
  });

  router.get('/appointments/:id', async (ctx) => {
    const found = await agenda.dossier(id(ctx));
    await deps.recordAccess({ staffId: currentStaff(ctx).id, action: 'dossier.opened', appointmentId: found.id });
    ctx.body = found;
  });

  router.patch('/appointments/:id', async (ctx) => {
    ctx.body = await dossier.updateNotes(currentStaff(ctx), id(ctx), parseBody(ctx, dossierPatchSchema));
  });

  router.post('/appointments/:id/cancel', async (ctx) => {
    ctx.body = await dossier.cancel(currentStaff(ctx), id(ctx), parseBody(ctx, cancelSchema).message);
  });

  router.post('/appointments/:id/follow-up', async (ctx) => {
    ctx.status = 201;
    ctx.body = await dossier.followUp(currentStaff(ctx), id(ctx), parseBody(ctx, followUpSchema));
  });

  router.post('/appointments/:id/no-show', async (ctx) => {
    ctx.body = await dossier.markNoShow(currentStaff(ctx), id(ctx));
  });

  router.post('/appointments/:id/held', async (ctx) => {
    ctx.body = await dossier.markHeld(currentStaff(ctx), id(ctx));
  });

  return router;
}
