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

  router.get('/services', (ctx) => {
    ctx.body = admin.listServices();
  });

  router.post('/services', (ctx) => {
    ctx.status = 201;
    ctx.body = admin.createService(currentStaff(ctx), parseBody(ctx, createServiceSchema));
  });

  router.patch('/services/:id', (ctx) => {
    ctx.body = admin.updateService(currentStaff(ctx), ctx.params.id!, parseBody(ctx, updateServiceSchema));
  });

  router.get('/opening-hours', (ctx) => {
    ctx.body = admin.listHours(parseQuery(ctx, hoursQuery).staff);
  });

  router.put('/opening-hours/:staffId', (ctx) => {
    ctx.body = admin.replaceHours(currentStaff(ctx), ctx.params.staffId!, parseBody(ctx, replaceHoursSchema).hours);
  });

  router.get('/closures', (ctx) => {
    ctx.body = admin.listClosures();
  });

  router.post('/closures', (ctx) => {
    ctx.status = 201;
    ctx.body = admin.addClosure(currentStaff(ctx), parseBody(ctx, closureSchema));
  });

  router.delete('/closures/:id', (ctx) => {
    admin.removeClosure(currentStaff(ctx), closureId.parse(ctx.params.id));
    ctx.status = 204;
  });

  router.get('/dashboard', (ctx) => {
    ctx.body = dashboard(parseQuery(ctx, dashboardQuerySchema));
  });

  router.get('/dashboard.csv', (ctx) => {
    const figures = dashboard(parseQuery(ctx, dashboardQuerySchema));
    ctx.attachment(`digitale-balie-${figures.from}-${figures.to}.csv`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = dashboardCsv(figures);
  });

  router.get('/dashboard/comments', (ctx) => {
    ctx.body = comments(currentStaff(ctx), parseQuery(ctx, dashboardQuerySchema));
  });

  router.get('/dashboard/comments.csv', (ctx) => {
    const found = comments(currentStaff(ctx), parseQuery(ctx, dashboardQuerySchema));
    ctx.attachment(`digitale-balie-opmerkingen-${found.from}-${found.to}.csv`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = feedbackCommentsCsv(found);
  });

  return router;
}
