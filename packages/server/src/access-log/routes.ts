import Router from '@koa/router';
import { z } from 'zod';
import { parseQuery } from '../http/validation.ts';
import { currentStaff, STAFF_PREFIX } from '../staff/gate.ts';
import { ACCESS_ACTIONS, MAX_PAGE, type AccessLog } from './service.ts';

const date = z.iso.date({ message: 'must be a date such as 2027-03-29' });
const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'must contain only letters, digits, - and _');

export const accessLogQuerySchema = z
  .strictObject({
    staffId: id.optional(),
    action: z.enum(ACCESS_ACTIONS).optional(),
    appointmentId: id.optional(),
    from: date.optional(),
    to: date.optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

/** The access log for a beheerder; behind the staff gate (session), a medewerker gets 403. */
export function accessLogRoutes(log: AccessLog) {
  const router = new Router({ prefix: STAFF_PREFIX });
  router.get('/access-log', async (ctx) => {
    ctx.body = { actions: ACCESS_ACTIONS, ...(await log.list(currentStaff(ctx), parseQuery(ctx, accessLogQuerySchema))) };
  });
  return router;
}
