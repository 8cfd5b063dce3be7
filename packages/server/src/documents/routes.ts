import Router from '@koa/router';
import type { Context } from 'koa';
import { createReadStream } from 'node:fs';
import type { RecordAccess } from '../access-log/service.ts';
import type { BookingService } from '../booking/service.ts';
import { bearerToken } from '../booking/routes.ts';
import { currentStaff, STAFF_PREFIX } from '../staff/gate.ts';
import type { Actor, DocumentsService } from './service.ts';

/**
 * Sends a document as a download that no browser renders in place: `attachment`, `nosniff`, and a
 * sandboxing CSP should anyone open the URL directly.
 */
function sendFile(ctx: Context, file: Awaited<ReturnType<DocumentsService['download']>>) {
  ctx.attachment(file.row.filename);
  ctx.type = file.row.contentType;
  ctx.length = file.row.size;
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Cache-Control', 'no-store');
  ctx.body = createReadStream(file.path);
}

/** The citizen's and companion's documents API, with their personal link as a Bearer token. */
export function documentRoutes(booking: BookingService, documents: DocumentsService) {
  const router = new Router({ prefix: '/api/appointment/documents' });
  const holder = async (ctx: Context): Promise<Actor> => ({ kind: 'holder', holder: await booking.resolveToken(bearerToken(ctx)) });

  router.get('/', async (ctx) => {
    const actor = await holder(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await documents.list(actor);
  });

  router.get('/:id/file', async (ctx) => {
    sendFile(ctx, await documents.download(await holder(ctx), ctx.params.id!));
  });

  router.delete('/:id', async (ctx) => {
    await documents.remove(await holder(ctx), ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}

/** The same for staff, on any appointment; behind the staff gate (session and CSRF). Downloads go in the access log. */
export function staffDocumentRoutes(documents: DocumentsService, recordAccess: RecordAccess) {
  const router = new Router({ prefix: `${STAFF_PREFIX}/appointments/:appointmentId/documents` });
  const staff = (ctx: Context): Actor => ({ kind: 'staff', account: currentStaff(ctx) });

  router.get('/', async (ctx) => {
    ctx.body = await documents.list(staff(ctx), ctx.params.appointmentId);
  });

  router.get('/:id/file', async (ctx) => {
    const account = currentStaff(ctx);
    const file = await documents.download({ kind: 'staff', account }, ctx.params.id!, ctx.params.appointmentId);
    await recordAccess({ staffId: account.id, action: 'document.downloaded', appointmentId: file.row.appointmentId, documentId: file.row.id });
    sendFile(ctx, file);
  });

  router.delete('/:id', async (ctx) => {
    await documents.remove(staff(ctx), ctx.params.id!, ctx.params.appointmentId);
    ctx.status = 204;
  });

  return router;
}
