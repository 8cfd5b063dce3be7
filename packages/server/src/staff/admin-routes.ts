import Router from '@koa/router';
import { z } from 'zod';
import { parseBody, parseQuery } from '../http/validation.ts';
import type { CatalogAdmin } from './catalog-admin.ts';
import { dashboardCsv } from './dashboard-csv.ts';
import type { staffDashboard } from './dashboard.ts';
import { feedbackCommentsCsv, type feedbackComments } from './feedback-comments.ts';
import { currentStaff, STAFF_PREFIX } from './gate.ts';
import { closureSchema, createServiceSchema, dashboardQuerySchema, replaceHoursSchema, updateServiceSchema } from '@digitale-balie/contract';

const hoursQuery = z.strictObject({ staff: z.string().max(64).optional() });
const closureId = z.coerce.number().int().positive();

/** Services, opening hours, closures and the impact dashboard. Writes and comments check the beheerder role. */
export function staffAdminRoutes(deps: {
  admin: CatalogAdmin;
  dashboard: ReturnType<typeof staffDashboard>;
  comments: ReturnType<typeof feedbackComments>;
}) {
  const { admin, dashboard, comments } = deps;
  const router = new Router({ prefix: STAFF_PREFIX });

  router.get('/services', async (ctx) => {
    ctx.body = await admin.listServices();
  });

  router.post('/services', async (ctx) => {
    ctx.status = 201;
    ctx.body = await admin.createService(currentStaff(ctx), parseBody(ctx, createServiceSchema));
  });

  router.patch('/services/:id', async (ctx) => {
    ctx.body = await admin.updateService(currentStaff(ctx), ctx.params.id!, parseBody(ctx, updateServiceSchema));
  });

  router.get('/opening-hours', async (ctx) => {
    ctx.body = await admin.listHours(parseQuery(ctx, hoursQuery).staff);
  });

  router.put('/opening-hours/:staffId', async (ctx) => {
    ctx.body = await admin.replaceHours(currentStaff(ctx), ctx.params.staffId!, parseBody(ctx, replaceHoursSchema).hours);
  });

  router.get('/closures', async (ctx) => {
    ctx.body = await admin.listClosures();
  });

  router.post('/closures', async (ctx) => {
    ctx.status = 201;
    ctx.body = await admin.addClosure(currentStaff(ctx), parseBody(ctx, closureSchema));
  });

  router.delete('/closures/:id', async (ctx) => {
    await admin.removeClosure(currentStaff(ctx), closureId.parse(ctx.params.id));
    ctx.status = 204;
  });

  router.get('/dashboard', async (ctx) => {
    ctx.body = await dashboard(parseQuery(ctx, dashboardQuerySchema));
  });

  router.get('/dashboard.csv', async (ctx) => {
    const figures = await dashboard(parseQuery(ctx, dashboardQuerySchema));
    ctx.attachment(`digitale-balie-${figures.from}-${figures.to}.csv`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = dashboardCsv(figures);
  });

  router.get('/dashboard/comments', async (ctx) => {
    ctx.body = await comments(currentStaff(ctx), parseQuery(ctx, dashboardQuerySchema));
  });

  router.get('/dashboard/comments.csv', async (ctx) => {
    const found = await comments(currentStaff(ctx), parseQuery(ctx, dashboardQuerySchema));
    ctx.attachment(`digitale-balie-opmerkingen-${found.from}-${found.to}.csv`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = feedbackCommentsCsv(found);
  });

  return router;
}
