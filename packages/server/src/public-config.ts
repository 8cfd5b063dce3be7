import Router from '@koa/router';
import type { Config } from './config.ts';

/** GET /api/config: what the widget needs to know about this municipality before it renders. Public. */
export function publicConfigRoutes(config: Config) {
  const router = new Router({ prefix: '/api' });
  // The privacy notice of the booking form says how long data is kept and links the full statement.
  const body = { languages: config.languages, retentionDays: config.retentionDays, privacyUrl: config.privacyUrl ?? null };
  router.get('/config', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
