import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import Router from '@koa/router';
import { bearerToken } from '../booking/routes.ts';
import type { BookingService } from '../booking/service.ts';
import type { PublicRateLimits } from '../http/rate-limit.ts';
import { parseBody } from '../http/validation.ts';
import { fallbackChoiceSchema, switchToPhoneSchema } from './schemas.ts';
import type { DeviceFallbackService } from './service.ts';

/**
 * The citizen's ways forward after a failed device test, behind the personal link. Each changes the
 * appointment or mails, so each counts against the same limits as a reschedule.
 */
export function fallbackRoutes(booking: BookingService, fallback: DeviceFallbackService, limits: Pick<PublicRateLimits, 'changes'>) {
  const router = new Router({ prefix: '/api/appointment' });

  router.post('/switch-to-phone', limits.changes, async (ctx) => {
    const holder = await booking.resolveToken(bearerToken(ctx));
    const { phone } = parseBody(ctx, switchToPhoneSchema);
    const appointment = await fallback.switchToPhone(holder, phone);
    // The number as the citizen reads it back in the confirmation: their own, grouped.
    ctx.body = { ...(await booking.view({ role: 'citizen', appointment })), phone: parsePhoneNumberFromString(phone)?.formatInternational() ?? phone };
  });

  router.post('/device-fallback', limits.changes, async (ctx) => {
    const holder = await booking.resolveToken(bearerToken(ctx));
    await fallback.choose(holder, parseBody(ctx, fallbackChoiceSchema).choice);
    ctx.status = 204;
  });

  return router;
}
