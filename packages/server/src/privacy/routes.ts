import Router from '@koa/router';
import { z } from 'zod';
import { ZipFile } from 'yazl';
import { phoneNumber } from '@digitale-balie/contract';
import { parseBody } from '../http/validation.ts';
import { currentStaff, STAFF_PREFIX } from '../staff/gate.ts';
import { requireBeheerder } from '../staff/roles.ts';
import type { CitizenRights } from './service.ts';
import type { PersonQuery } from './store.ts';

const person = {
  email: z.email('must be a valid e-mail address such as naam@voorbeeld.be').max(254).optional(),
  phone: phoneNumber.optional(),
};
const exactlyOne = (q: { email?: string | undefined; phone?: string | undefined }) => Boolean(q.email) !== Boolean(q.phone);
const oneOf = { message: 'give either an e-mail address or a phone number', path: ['email'] };
const toQuery = (q: { email?: string | undefined; phone?: string | undefined }): PersonQuery => (q.email ? { email: q.email } : { phone: q.phone! });

/**
 * The person a request is about: exactly one e-mail address or phone number. In a POST body, never
 * in the address, so it stays out of proxy logs and browser history.
 */
export const personQuerySchema = z.strictObject(person).refine(exactlyOne, oneOf).transform(toQuery);
/** Erasing cannot be undone: the request says so explicitly. */
const eraseSchema = z
  .strictObject({ ...person, confirm: z.literal(true, 'confirm the erasure with confirm: true') })
  .refine(exactlyOne, oneOf)
  .transform(toQuery);

/** Beheerder routes behind the staff gate (session, same origin, CSRF on every POST). */
export function privacyRoutes(rights: CitizenRights) {
  const router = new Router({ prefix: `${STAFF_PREFIX}/privacy` });
  // A medewerker learns nothing here, not even whether the body would have been valid.
  router.use((ctx, next) => {
    requireBeheerder(currentStaff(ctx));
    return next();
  });

  router.post('/search', async (ctx) => {
    ctx.body = await rights.search(currentStaff(ctx), parseBody(ctx, personQuerySchema));
  });

  // One download: the JSON and every document, streamed as a zip so a large dossier never sits in memory.
  router.post('/export', async (ctx) => {
    const { json, files, fileName } = await rights.exportData(currentStaff(ctx), parseBody(ctx, personQuerySchema));
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from(JSON.stringify(json, null, 2)), 'gegevens.json');
    for (const file of files) zip.addFile(file.path, file.name);
    zip.end();
    ctx.attachment(fileName);
    ctx.type = 'application/zip';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = zip.outputStream;
  });

  router.post('/erase', async (ctx) => {
    ctx.body = { erasure: await rights.erase(currentStaff(ctx), parseBody(ctx, eraseSchema)) };
  });

  router.get('/erasures', async (ctx) => {
    ctx.body = await rights.erasures(currentStaff(ctx));
  });

  return router;
}
