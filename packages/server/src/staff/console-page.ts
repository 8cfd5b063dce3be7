import Router from '@koa/router';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';

/** GET /medewerker: the staff console page, which only loads the widget bundle and its element. */
export function consolePageRoutes(pagesDir: string) {
  const router = new Router();
  router.get(['/medewerker', '/medewerker/'], (ctx) => {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = createReadStream(join(pagesDir, 'medewerker.html'));
  });
  return router;
}
