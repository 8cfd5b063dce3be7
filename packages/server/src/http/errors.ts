import type { Context, Next } from 'koa';
import { z } from 'zod';

/** An error that is a value: it carries the status and a message a person can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra data for the client; `fields` (path → message) is answered beside the message. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} was not found.`);

/** Bodies for the statuses Koa and the router set without one. */
const bodyless: Record<number, { code: string; message: string }> = {
  404: { code: 'not_found', message: 'There is nothing at this address.' },
  405: { code: 'method_not_allowed', message: 'This address does not accept this method.' },
};

/** Maps every thrown error to one JSON shape; unknown errors become a 500 without a stack trace. */
export function errorHandler(log: (message: string, error: unknown) => void) {
  return async function errorHandler(ctx: Context, next: Next) {
    try {
      await next();
      const status = ctx.status;
      const error = bodyless[status];
      if (error && ctx.body === undefined && ctx.respond !== false) {
        ctx.status = status; // made explicit, or setting the body would turn Koa's default 404 into a 200
        ctx.body = { error };
      }
    } catch (error) {
      const { status, body } = toResponse(error);
      if (status >= 500) log(`${ctx.method} ${ctx.path} failed`, error);
      // A throttle says when to come back (RFC 9110 §10.2.3); clients and the widget read it.
      const retryAfter = error instanceof HttpError ? error.details?.retryAfterSeconds : undefined;
      if (typeof retryAfter === 'number') ctx.set('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
      ctx.status = status;
      ctx.body = body;
    }
  };
}

function toResponse(error: unknown): { status: number; body: unknown } {
  if (error instanceof HttpError) {
    // Field messages go where a schema failure puts them, so a client reads them in one place.
    const { fields, ...details } = error.details ?? {};
    const body = { code: error.code, message: error.message, ...(fields ? { fields } : {}), ...(Object.keys(details).length ? { details } : {}) };
    return { status: error.status, body: { error: body } };
  }
  if (error instanceof z.ZodError) {
    const fields = Object.fromEntries(error.issues.map((issue) => [issue.path.join('.') || '(body)', issue.message]));
    return {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'Some fields are missing or not valid.', fields } },
    };
  }
  // PostgreSQL cannot store a NUL character in text (SQLite can): an id or name with one is simply
  // not something we have or keep. SQLSTATE 22021, character_not_in_repertoire.
  if ((error as { code?: unknown })?.code === '22021') {
    return { status: 400, body: { error: { code: 'invalid_character', message: 'The request contains a character that is not allowed (such as a NUL character).' } } };
  }
  // Errors raised by Koa's own body parser and friends carry an `expose`d status.
  const e = error as { status?: number; expose?: boolean; message?: string; type?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const message = e.expose && e.message ? e.message : 'The request could not be read.';
    return { status: e.status, body: { error: { code: e.type ?? 'bad_request', message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } } };
}
