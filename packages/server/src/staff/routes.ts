import Router from '@koa/router';
import type { Context } from 'koa';
import type { RecordAccess } from '../access-log/service.ts';
import { parseBody, parseQuery } from '../http/validation.ts';
import type { StaffAccounts } from './accounts.ts';
import type { StaffAgenda } from './agenda.ts';
import { CSRF_HEADER } from './csrf.ts';
import type { StaffDossier } from './dossier.ts';
import { currentSession, currentStaff, STAFF_PREFIX } from './gate.ts';
import type { LiveAgenda } from './live-events.ts';
import { agendaQuerySchema, cancelSchema, dossierPatchSchema, followUpSchema, loginSchema, staffBookingSchema } from '@digitale-balie/contract';
import { changePasswordSchema, createAccountSchema } from './schemas.ts';
import type { SessionCookie } from './session-cookie.ts';
import type { ActiveSession, StaffSessions } from './sessions.ts';

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
}

const sessionInfo = (active: ActiveSession) => ({
  staff: active.account,
  method: active.session.method,
  csrfToken: active.csrfToken,
  csrfHeader: CSRF_HEADER,
  expiresAt: active.session.expiresAt,
  idleExpiresAt: active.idleExpiresAt,
});

/** Session, accounts, agenda, dossier and live updates: thin routes over the staff use cases. */
export function staffRoutes(deps: StaffRouteDeps) {
  const { sessions, cookie, accounts, agenda, dossier } = deps;
  const router = new Router({ prefix: STAFF_PREFIX });
  const id = (ctx: Context) => ctx.params.id!;

  router.post('/login', async (ctx) => {
    const previous = cookie.read(ctx);
    if (previous) sessions.end(previous);
    // ctx.ip: the socket's address, or with TRUST_PROXY the client's as our own proxies saw it.
    const { id } = await deps.signIn(parseBody(ctx, loginSchema), ctx.ip);
    cookie.write(ctx, id);
    ctx.body = sessionInfo(sessions.resolve(id, { touch: false })!);
  });

  router.get('/session', (ctx) => {
    ctx.body = sessionInfo(currentSession(ctx));
  });

  router.post('/logout', (ctx) => {
    sessions.end(currentSession(ctx).id);
    cookie.clear(ctx);
    ctx.status = 204;
  });

  router.post('/password', async (ctx) => {
    await accounts.changePassword(currentStaff(ctx), currentSession(ctx).id, parseBody(ctx, changePasswordSchema), ctx.ip);
    ctx.status = 204;
  });

  router.get('/accounts', (ctx) => {
    ctx.body = accounts.list();
  });

  router.post('/accounts', async (ctx) => {
    ctx.status = 201;
    ctx.body = await accounts.create(currentStaff(ctx), parseBody(ctx, createAccountSchema));
  });

  router.get('/agenda', (ctx) => {
    ctx.body = agenda.list(currentStaff(ctx), parseQuery(ctx, agendaQuerySchema));
  });

  router.get('/events', (ctx) => {
    const { session } = currentSession(ctx);
    deps.live.open(ctx, () => sessions.isActive(session.idHash));
  });

  /** "Afspraak maken voor een burger": behind the session and CSRF gate like every write here. */
  router.post('/appointments', (ctx) => {
    ctx.status = 201;
    ctx.body = dossier.bookForCitizen(currentStaff(ctx), parseBody(ctx, staffBookingSchema));
  });

  router.get('/appointments/:id', (ctx) => {
    const found = agenda.dossier(id(ctx));
    deps.recordAccess({ staffId: currentStaff(ctx).id, action: 'dossier.opened', appointmentId: found.id });
    ctx.body = found;
  });

  router.patch('/appointments/:id', (ctx) => {
    ctx.body = dossier.updateNotes(currentStaff(ctx), id(ctx), parseBody(ctx, dossierPatchSchema));
  });

  router.post('/appointments/:id/cancel', (ctx) => {
    ctx.body = dossier.cancel(currentStaff(ctx), id(ctx), parseBody(ctx, cancelSchema).message);
  });

  router.post('/appointments/:id/follow-up', (ctx) => {
    ctx.status = 201;
    ctx.body = dossier.followUp(currentStaff(ctx), id(ctx), parseBody(ctx, followUpSchema));
  });

  router.post('/appointments/:id/no-show', (ctx) => {
    ctx.body = dossier.markNoShow(currentStaff(ctx), id(ctx));
  });

  router.post('/appointments/:id/held', (ctx) => {
    ctx.body = dossier.markHeld(currentStaff(ctx), id(ctx));
  });

  return router;
}
