import type Express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type * as Peer from 'peer';
import type { WebSocketServer } from 'ws';

type PeerModule = typeof Peer;

/**
 * Loads `peer` with timers we can stop. Its ExpressPeerServer starts two self-rescheduling
 * `setTimeout` loops (the broken-connection check every 300 ms and the message-queue expiry) and
 * offers no way to stop them (peers/peerjs-server#211): a stopped app would keep the process alive
 * and leak a loop per server. We evaluate the package's own CommonJS build with `setTimeout` and
 * `clearTimeout` bound to a registry per instance, so `clearTimers()` ends them. Nothing else differs
 * from the published package.
 */
function loadPeer(): { peer: PeerModule; express: typeof Express; clearTimers(): void } {
  const entry = createRequire(import.meta.url).resolve('peer');
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const scopedSetTimeout = (callback: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) callback();
    }, ms);
    timer.unref();
    if (!stopped) timers.add(timer);
    else clearTimeout(timer);
    return timer;
  };
  const scopedClearTimeout = (timer: NodeJS.Timeout | null) => {
    if (!timer) return;
    clearTimeout(timer);
    timers.delete(timer);
  };
  const run = compileFunction(
    readFileSync(entry, 'utf8'),
    ['exports', 'require', 'module', '__filename', '__dirname', 'setTimeout', 'clearTimeout'],
    { filename: entry },
  );
  const module = { exports: {} as PeerModule };
  const requireFromPeer = createRequire(entry);
  run(module.exports, requireFromPeer, module, entry, dirname(entry), scopedSetTimeout, scopedClearTimeout);
  return {
    peer: module.exports,
    // The Express that `peer` depends on (and mounts into), not one of our own.
    express: requireFromPeer('express') as typeof Express,
    clearTimers() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * The PeerJS server inside the Express parent it needs (it initialises on Express's `mount`
 * event), using `wss` for its sockets: a `noServer` server we feed with upgrades we authenticated.
 */
export function peerServer(opts: {
  server: Server;
  path: string;
  key: string;
  wss: WebSocketServer;
  aliveTimeoutMs: number;
  /** Whether a browser page of this origin may read the answers (CORS); `peer` alone reflects any. */
  corsOrigin: (origin: string) => boolean;
}) {
  const { peer, express, clearTimers } = loadPeer();
  const instance = peer.ExpressPeerServer(opts.server, {
    path: '/',
    key: opts.key,
    alive_timeout: opts.aliveTimeoutMs,
    allow_discovery: false,
    proxied: false,
    createWebSocketServer: () => opts.wss as never,
    corsOptions: {
      origin: (origin: string | undefined, allow: (error: Error | null, allowed: boolean) => void) =>
        allow(null, origin !== undefined && opts.corsOrigin(origin)),
    },
  });
  const parent = express();
  // No banner naming our stack: neither from our parent nor from `peer`'s own app, which sets its own.
  parent.disable('x-powered-by');
  instance.disable('x-powered-by');
  const notFound = (_req: Express.Request, res: Express.Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
  };
  // Only the server description reaches `peer`: its `/<key>/id` hands out ids we never issued and
  // `/<key>/peers` answers in plain text; our clients use neither.
  parent.use(opts.path, (req: Express.Request, res: Express.Response, next: Express.NextFunction) => (req.path === '/' ? next() : notFound(req, res)));
  parent.use(opts.path, instance);
  // Express's own final handler answers with an HTML page that, outside production, shows the stack
  // trace of the error (a bad %-escape in the path is enough): answer like the rest of our API.
  parent.use(notFound);
  parent.use((error: { status?: unknown }, _req: Express.Request, res: Express.Response, _next: Express.NextFunction) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message = status < 500 ? 'The request could not be read.' : 'Something went wrong on our side. Please try again.';
    res.status(status).json({ error: { code: status < 500 ? 'bad_request' : 'internal', message } });
  });
  return {
    /** Handles an HTTP request under the signalling path (PeerJS's small REST API). */
    handle: (req: Parameters<typeof parent>[0], res: Parameters<typeof parent>[1]) => parent(req, res),
    events: instance,
    close: clearTimers,
  };
}
