import Router from '@koa/router';
import { parseBody } from '../http/validation.ts';
import { STAFF_PREFIX } from './gate.ts';
import { setPasswordSchema } from './schemas.ts';

/**
 * POST /api/staff/password-link: `{ token, newPassword }` from a one-time link the admin command
 * printed. Open without a session (the link is the proof), same-origin like the sign-in.
 */
export function passwordLinkRoutes(setPassword: (input: { token: string; newPassword: string }) => Promise<{ email: string }>) {
  const router = new Router({ prefix: STAFF_PREFIX });
  router.post('/password-link', async (ctx) => {
    ctx.body = await setPassword(parseBody(ctx, setPasswordSchema));
  });
  return router;
}
