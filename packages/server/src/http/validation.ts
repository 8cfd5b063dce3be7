import type { Context } from 'koa';
import type { z } from 'zod';

/** Parses the JSON body against a schema; a ZodError is mapped to 422 by the error handler. */
export function parseBody<T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> {
  return schema.parse((ctx.request as { body?: unknown }).body ?? {});
}

export function parseQuery<T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> {
  return schema.parse(ctx.query);
}
