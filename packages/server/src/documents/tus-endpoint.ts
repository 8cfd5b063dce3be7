import { Server as TusServer } from '@tus/server';
import { randomBytes } from 'node:crypto';
import type { FileStore } from '@tus/file-store';
import type { Locker } from '@tus/utils';
import type { Context, Next } from 'koa';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import type { BookingService } from '../booking/service.ts';
import { bearerToken } from '../booking/routes.ts';
import { HttpError } from '../http/errors.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { nodeBody, writeNodeBodies } from './node-body.ts';
import type { Actor, DocumentsService } from './service.ts';

export const FILES_PATH = '/files';

/** The ids we give uploads: 128 random bits as 32 hex digits, the same as tus's own default (Uid.rand). */
const newUploadId = () => randomBytes(16).toString('hex');
const FILES_TARGET = new RegExp(`^${FILES_PATH}(?:/([0-9a-f]{32}))?$`);

/**
 * What a raw request target (`req.url`, untouched) names: the collection (`/files`), one upload
 * (`/files/<id>`), or nothing we serve (undefined). @tus/server on its own reads the id from the last
 * `/` segment of the whole URL, query included (BaseHandler.getFileIdFromRequest, `/([^/]+)\/?$/`,
 * then decoded), while Koa's `ctx.path` drops the query: `/files/<mine>?x=/<yours>` was authorized as
 * <mine> and acted on as <yours>. So tus gets its id from this function too, and anything but those
 * two exact shapes is refused: no query, no extra or empty segment, no `%2F`, `\`, `;` or `..`.
 */
export function filesTarget(rawUrl: string): { id?: string } | undefined {
  const match = FILES_TARGET.exec(rawUrl);
  if (!match) return undefined;
  return match[1] ? { id: match[1] } : {};
}

type TusRequest = { url: string; runtime?: { node?: { req: { url?: string | undefined } } | undefined } | undefined };
/** The raw target of a request tus hands us: the Node request's own `url`, as Koa saw it. */
const rawTarget = (req: TusRequest) => {
  const raw = req.runtime?.node?.req.url;
  if (raw !== undefined) return raw;
  const url = new URL(req.url);
  return url.pathname + url.search;
};

/** Our error shape, also for answers tus writes (its hooks throw our HttpError). */
const errorBody = (error: HttpError) => JSON.stringify({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });

/**
 * The tus endpoint (https://tus.io/protocols/resumable-upload) under /files, scoped to appointments.
 * Koa authenticates every request before tus sees it: a personal link (Bearer) or a staff session
 * (cookie + CSRF). Creating binds the upload to that appointment; every later request must come from
 * the one who created it. tus `GET` (download of the raw upload) is not exposed: documents are
 * downloaded through the access-checked API once their content passed the checks.
 */
export function tusEndpoint(deps: {
  datastore: FileStore;
  documents: DocumentsService;
  booking: BookingService;
  /** The staff gate's checks; undefined without a session cookie. */
  staff: (ctx: Context) => Promise<{ account: StaffAccount } | undefined>;
  allowedOrigins: string[];
  maxUploadBytes: number;
  /** Across instances (PostgreSQL advisory locks); default tus's in-memory locker, for one process. */
  locker?: Locker;
  log: (message: string, error?: unknown) => void;
}) {
  const { documents } = deps;
  // The authenticated actor of each request, handed from Koa to the tus hooks.
  const actors = new WeakMap<object, Actor>();
  const actorOf = (req: { runtime?: { node?: { req: object } | undefined } | undefined }) => {
    const actor = req.runtime?.node && actors.get(req.runtime.node.req);
    if (!actor) throw new HttpError(401, 'not_authenticated', 'Sending a document needs the personal link of the appointment or a staff session.');
    return actor;
  };
  // Answers whose body is our JSON error, so they get its content type.
  const ourErrors = new WeakSet<object>();
  const originAllowed = (origin: string) => deps.allowedOrigins.includes('*') || deps.allowedOrigins.includes(origin);

  const tus = new TusServer({
    path: FILES_PATH,
    datastore: deps.datastore,
    ...(deps.locker ? { locker: deps.locker } : {}),
    relativeLocation: true,
    maxSize: deps.maxUploadBytes,
    allowedOrigins: originAllowed,
    // Our CSRF header must pass a staff console's same-origin preflight-free request; listed for clarity.
    allowedHeaders: ['X-CSRF-Token'],
    // The widget keeps an unfinished file on the device until then, and not longer.
    exposedHeaders: ['Upload-Expires'],
    disableTerminationForFinishedUploads: true,
    namingFunction: newUploadId,
    // The id tus acts on is the one we authorized: both come from `filesTarget` on the raw target.
    getFileIdFromRequest: (req) => filesTarget(rawTarget(req))?.id,
    // tus calls this with the id it will act on, before touching the store. A POST's id is the one
    // just named for it: onUploadCreate binds that upload to its creator.
    async onIncomingRequest(req, id) {
      if (req.method !== 'POST') await documents.requireUploader(actorOf(req), id);
    },
    async onUploadCreate(req, upload) {
      const metadata = upload.metadata ?? {};
      const bound = await documents.begin(actorOf(req), {
        id: upload.id,
        size: upload.size ?? 0,
        appointmentId: metadata.appointmentId ?? undefined,
        filename: metadata.filename ?? metadata.name,
        requiredDocumentId: metadata.requiredDocumentId,
      });
      // Only what we checked is kept: the client's filetype guess and other fields are dropped.
      return { metadata: bound };
    },
    async onUploadFinish(_req, upload) {
      await documents.finish(upload.id);
      return {};
    },
    onResponseError(req, error) {
      if (error instanceof HttpError) {
        ourErrors.add(req);
        return { status_code: error.status, body: errorBody(error) };
      }
      if (!('status_code' in error)) deps.log('upload failed', error);
      return undefined;
    },
  });
  writeNodeBodies(tus, deps.datastore);
  async function authenticate(ctx: Context): Promise<Actor> {
    const token = bearerToken(ctx);
    if (token) return { kind: 'holder', holder: await deps.booking.resolveToken(token) };
    const staff = await deps.staff(ctx);
    if (staff) return { kind: 'staff', account: staff.account };
    throw new HttpError(401, 'not_authenticated', 'Sending a document needs the personal link of the appointment or a staff session.');
  }

  return {
    tus,
    /** Mount before any body parser: tus must be the first to read a PATCH body. */
    middleware: async function tusUploads(ctx: Context, next: Next) {
      if (ctx.path !== FILES_PATH && !ctx.path.startsWith(`${FILES_PATH}/`)) return next();
      ctx.set('Cache-Control', 'no-store');
      const target = filesTarget(ctx.req.url ?? '');
      if (ctx.method !== 'OPTIONS') {
        // Our refusals must be readable cross-origin like tus's own answers.
        const origin = ctx.get('origin');
        if (origin && originAllowed(origin)) {
          ctx.set('Access-Control-Allow-Origin', origin);
          ctx.vary('Origin');
        }
      }
      if (!target) throw new HttpError(400, 'invalid_upload_url', 'An upload address is /files or /files/<upload id>, with nothing added to it.');
      if (ctx.method !== 'OPTIONS') {
        if (ctx.method === 'GET') throw new HttpError(405, 'method_not_allowed', 'Documents are downloaded through /api, not here.');
        const actor = await authenticate(ctx);
        if (ctx.method === 'POST') {
          if (target.id) throw new HttpError(404, 'not_found', 'There is nothing at this address.');
          const length = ctx.get('upload-length');
          if (!/^\d{1,15}$/.test(length)) throw new HttpError(400, 'length_required', 'Send the size of the file in Upload-Length.');
          documents.checkSize(Number(length));
          await documents.checkRoom(Number(length));
        } else {
          // Refused here already, before tus reads a byte; tus checks the same id again in onIncomingRequest.
          await documents.requireUploader(actor, target.id ?? '');
        }
        actors.set(ctx.req, actor);
      }
      ctx.respond = false;
      // tus.handle(req, res), but with our content type on our errors. May never settle for an
      // aborted PATCH: post-processing lives in the hooks.
      const request = new NodeRequest({ req: ctx.req, res: ctx.res });
      // A PATCH body reaches the file store as Node's Buffers, not through web streams (node-body.ts).
      if (ctx.method === 'PATCH') Object.defineProperty(request, 'body', { value: nodeBody(ctx.req) });
      const response = await tus.handleWeb(request);
      // A 204 to DELETE is tus's termination: the row goes before the answer, so the room it took is
      // free for the uploader's next request (tus's POST_TERMINATE event cannot be awaited).
      if (ctx.method === 'DELETE' && response.status === 204 && target.id) await documents.forgetUpload(target.id);
      if (ourErrors.has(request)) response.headers.set('Content-Type', 'application/json; charset=utf-8');
      // When our sweep removes an unfinished upload (tus expiration extension's header, RFC 9110 date).
      const uploadId = ctx.method === 'POST' ? filesTarget(response.headers.get('location') ?? '')?.id : target.id;
      const expiresAt = uploadId && response.ok ? await documents.expiresAt(uploadId) : undefined;
      if (expiresAt) response.headers.set('Upload-Expires', new Date(expiresAt).toUTCString());
      await sendNodeResponse(ctx.res, response);
    },
  };
}
