import type { Server as TusServer } from '@tus/server';
import { ERRORS, StreamLimiter, type CancellationContext, type DataStore, type Upload } from '@tus/utils';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/*
 * PATCH bodies go from Node's request straight into the file store. @tus/server v2 works on web
 * Requests: srvx turns the Node request into a web stream (Readable.toWeb) and tus turns that back
 * into a Node stream (Readable.fromWeb in BaseHandler.writeToStore) before it writes. Node 20's
 * adapter copies every chunk on the way (to detach it from the socket's pool) and each crossing
 * costs promises and objects: on a 200 MB upload that was a tenth of the server's time, with GC at
 * 23 % (issue 16). tus's own `handle(req, res)` takes the same road, so the fix belongs upstream
 * (see README, "Throughput"); until then we hand tus a body it recognises as ours and write it the
 * way writeToStore does, minus the two conversions.
 */

/** The Node request behind each body handed to tus. */
const nodeRequests = new WeakMap<ReadableStream<Uint8Array>, IncomingMessage>();

/**
 * A web stream over a Node request that converts nothing until someone reads it through the web API:
 * our writer below never does, so the bytes stay Buffers; anyone else (a tus version that reads the
 * body another way) still gets every byte, the slow way.
 */
export function nodeBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader?.cancel(reason),
    },
    // Nothing is pulled before a read: the request stays unread for our writer.
    { highWaterMark: 0 },
  );
  nodeRequests.set(body, req);
  return body;
}

type WriteToStore = (body: ReadableStream | null, upload: Upload, maxBytes: number, context: CancellationContext) => Promise<number>;

/**
 * Lets tus's PATCH handler write bodies made by `nodeBody` from the Node request itself. The same
 * steps as BaseHandler.writeToStore (@tus/server 2.4): a PassThrough between request and store, so a
 * failed write does not destroy the request (the client would see a hang-up instead of our answer);
 * source errors and aborts become tus's ABORTED; at most `maxBytes` (StreamLimiter); on abort the
 * bytes received so far are kept, which is what lets an interrupted chunk resume where it stopped.
 */
export function writeNodeBodies(tus: TusServer, store: DataStore) {
  // A protected method of the handler; tus calls it with the request's `body`.
  const handler = tus.handlers.PATCH as unknown as { writeToStore: WriteToStore };
  const throughWeb = handler.writeToStore.bind(handler);
  handler.writeToStore = async (body, upload, maxBytes, context) => {
    const req = body ? nodeRequests.get(body) : undefined;
    if (!req) return throughWeb(body, upload, maxBytes, context);
    if (context.signal.aborted) throw ERRORS.ABORTED;
    const proxy = new PassThrough();
    let sourceError: unknown;
    const onError = (error: unknown) => {
      sourceError = error;
      req.unpipe(proxy);
      if (!context.signal.aborted) proxy.destroy(error as Error);
    };
    const onAbort = () => {
      req.unpipe(proxy);
      if (!proxy.destroyed) proxy.end();
    };
    req.on('error', onError);
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await pipeline(req.pipe(proxy), new StreamLimiter(maxBytes), (limited) => store.write(limited as Readable, upload.id, upload.offset));
    } catch (error) {
      req.unpipe(proxy);
      const aborted = (sourceError !== undefined && error === sourceError) || (error instanceof Error && error.name === 'AbortError');
      throw aborted ? ERRORS.ABORTED : error;
    } finally {
      req.off('error', onError);
      context.signal.removeEventListener('abort', onAbort);
    }
  };
}
