import { Agent, request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** The q-quantile (0..1) of unsorted samples, nearest-rank. */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * A keep-alive HTTP client that reads the whole body, lighter than fetch so the client's own cost
 * hides as little of the server's as possible. One socket per client: requests go one at a time.
 */
export function httpClient(base: string, sockets = 1) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  const send = (method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...extraHeaders },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown, headers?: Record<string, string>) => send('POST', path, body, headers),
    close: () => agent.destroy(),
  };
}

/** Latencies in ms of `count` sequential calls, after `warmup` untimed ones. */
export async function latencies(call: () => Promise<unknown>, opts: { warmup: number; count: number }): Promise<number[]> {
  for (let i = 0; i < opts.warmup; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < opts.count; i++) {
    const start = process.hrtime.bigint();
    await call();
    samples.push(elapsedMs(start));
  }
  return samples;
}

/** Listens on an ephemeral loopback port and returns the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
