import Router from '@koa/router';
import type { Context } from 'koa';
import type { PublicRateLimits } from '../http/rate-limit.ts';
import { parseBody, parseQuery } from '../http/validation.ts';
import { companionSchema, bookingSchema, slotChoiceSchema, slotQuerySchema } from '@digitale-balie/contract';
import type { BookingService } from './service.ts';

/** The token from `Authorization: Bearer <token>`: the widget never uses cookies. */
export const bearerToken = (ctx: Context) => /^Bearer (\S+)$/.exec(ctx.get('authorization'))?.[1];

/**
 * Citizen booking API: thin routes that hand validated input to the booking service. The limits sit
 * on the routes themselves, so they match exactly what the router matches (any case, trailing slash).
 */
export function bookingRoutes(booking: BookingService, limits: Pick<PublicRateLimits, 'booking' | 'changes'>) {
  const router = new Router({ prefix: '/api' });

  router.get('/services', async (ctx) => {
    ctx.body = (await booking.listServices()).map(({ active: _active, ...service }) => service);
  });

  router.get('/services/:id', async (ctx) => {
    const { active: _active, ...service } = await booking.requireService(ctx.params.id!);
    ctx.body = service;
  });

  router.get('/locations', async (ctx) => {
    ctx.body = await booking.listLocations();
  });

  router.get('/services/:id/slots', async (ctx) => {
    const q = parseQuery(ctx, slotQuerySchema);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { slots: await booking.listSlots(ctx.params.id!, q) };
  });

  router.post('/appointments', limits.booking, async (ctx) => {
    const { appointment, token, service, companions } = await booking.book(parseBody(ctx, bookingSchema));
    ctx.status = 201;
    ctx.body = { token, appointment: await booking.view({ role: 'citizen', appointment }, { service, companions }) };
  });

  router.get('/appointment', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await booking.view(await booking.resolveToken(bearerToken(ctx)));
  });

  router.delete('/appointment', async (ctx) => {
    await booking.cancel(await booking.resolveToken(bearerToken(ctx)));
    ctx.body = { status: 'cancelled' };
  });

  router.post('/appointment/reschedule', limits.changes, async (ctx) => {
    const holder = await booking.resolveToken(bearerToken(ctx));
    const appointment = await booking.reschedule(holder, parseBody(ctx, slotChoiceSchema));
    ctx.body = await booking.view({ role: 'citizen', appointment });
  });

  router.post('/appointment/companions', limits.changes, async (ctx) => {
    const holder = await booking.resolveToken(bearerToken(ctx));
    ctx.status = 201;
    ctx.body = await booking.addCompanion(holder, parseBody(ctx, companionSchema));
  });

  router.delete('/appointment/companions/:companionId', limits.changes, async (ctx) => {
    await booking.removeCompanion(await booking.resolveToken(bearerToken(ctx)), ctx.params.companionId!);
    ctx.status = 204;
  });

  return router;
}
