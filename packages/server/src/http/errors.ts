import type { Context, Next } from 'koa';
import { z } from 'zod';

/** An error that is a value: it carries the status and a message a person can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} was not found.`);

/** Maps every thrown error to one JSON shape; unknown errors become a 500 without a stack trace. */
export function errorHandler(log: (message: string, error: unknown) => void) {
  return async function errorHandler(ctx: Context, next: Next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: 'There is nothing at this address.' } };
      }
    } catch (error) {
      const { status, body } = toResponse(error);
      if (status >= 500) log(`${ctx.method} ${ctx.path} failed`, error);
      ctx.status = status;
      ctx.body = body;
    }
  };
}

function toResponse(error: unknown): { status: number; body: unknown } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } } };
  }
  if (error instanceof z.ZodError) {
    const fields = Object.fromEntries(error.issues.map((issue) => [issue.path.join('.') || '(body)', issue.message]));
    return {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'Some fields are missing or not valid.', fields } },
    };
  }
  // Errors raised by Koa's own body parser and friends carry an `expose`d status.
  const e = error as { status?: number; expose?: boolean; message?: string; type?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const message = e.expose && e.message ? e.message : 'The request could not be read.';
    return { status: e.status, body: { error: { code: e.type ?? 'bad_request', message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } } };
}
