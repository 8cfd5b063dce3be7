// Uploads through the widget's own uploader (@uppy/core + @uppy/tus in Chromium, the widget's chunks:
// 5 MiB, growing on a fast link up to MAX_CHUNK_SIZE) to the real server, started as a child process so it can be SIGKILLed. The baseline is the
// same server taking the same bytes as one plain streamed request from the same Chromium: a tus POST
// and then a single PATCH with the whole file as its body (fetch, no chunks, no Uppy), answered after
// the same content check and SHA-256.
// - upload.throughput_ratio: a 200 MB file picked in the manage view until the widget announces it
//   (balie-upload-completed) vs that plain streamed request. Median of RUNS each, alternating.
// - upload.resent_bytes_after_kill: the server is SIGKILLed once half of a 100 MB file is on its disk
//   and restarted on the same port and data; the uploader resumes by itself. Bytes the browser sent
//   beyond the file's size, counted at a loopback proxy in front of the server (HTTP headers of the
//   ~30 requests, ~1 KB each, included), vs one chunk.
// - upload.small_files_per_s: 40 files of 100 KB picked at once, until the last is announced, vs the
//   same files as plain POST + PATCH pairs from the page, two at a time as the uploader does.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHUNK_SIZE, MAX_CHUNK_SIZE } from '../packages/widget/src/controllers/uploads.ts';
import { book } from '../test-support/booking.ts';
import { startChildServer, type ChildServer } from '../test-support/child-server.ts';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { freePort, type TestServer } from '../test-support/server.ts';
import { pdfBytes, recordBalieEvents, recordedEvents, tempFiles } from '../test-support/uploads.ts';
import { quantile } from './measure.ts';
import { figure, type Benchmark } from './table.ts';

const MB = 1024 * 1024;
const BIG = 200 * MB;
/** The SIGKILL part sends less: what it measures does not grow with the size, only its duration. */
const KILLED = 100 * MB;
const RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 3);
const SMALL = { count: 40, size: 100 * 1024 };
const DONE_TIMEOUT_MS = 60_000;

/** Polls until `check` returns a value; fails with `what` after the timeout. */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = DONE_TIMEOUT_MS, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Free video slots (real clock), one per booking of this run. */
async function slots(base: string) {
  const response = await fetch(`${base}/api/services/mantelzorgpremie/slots?channel=video&days=14`);
  const body = (await response.json()) as { slots: { start: string }[] };
  return body.slots.map((s) => s.start);
}

/** A loopback TCP proxy that counts the bytes clients send through it. */
export async function countingProxy(targetPort: number) {
  let sent = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => (sent += chunk.length));
    client.pipe(upstream).on('error', end);
    upstream.pipe(client).on('error', end);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${port}`,
    reset: () => void (sent = 0),
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
  const page = await context.newPage();
  if (process.env.BENCH_DEBUG) {
    page.on('console', (message) => console.error(`console ${message.type()}:`, message.text()));
    page.on('response', (response) => response.status() >= 400 && console.error(response.status(), response.url()));
  }
  return page;
}

/** Opens the manage view of a personal link, ready to pick files. */
async function managePage(browser: Browser, base: string, token: string) {
  const page = await newPage(browser);
  await recordBalieEvents(page);
  await page.goto(`${base}/?balie=${token}`);
  const heading = page.getByRole('heading', { name: 'Documenten', exact: true });
  // One reload when the widget did not come up (its bundle may be being rebuilt on a shared checkout).
  await heading.waitFor({ timeout: 15_000 }).catch(async () => {
    await page.reload();
    await heading.waitFor({ timeout: 15_000 });
  });
  return page;
}

/** Picks the files in the widget; resolves with the ms until the last one is announced as completed. */
async function widgetUpload(page: Page, paths: string[]) {
  const started = Date.now();
  if (process.env.BENCH_DEBUG) {
    page.on('request', (r) => r.method() === 'POST' && console.error('POST at', Date.now() - started));
    page.on('response', (r) => r.request().method() === 'PATCH' && console.error('PATCH done at', Date.now() - started));
  }
  await page.locator('balie-documents-panel #file-input').setInputFiles(paths);
  const last = await until(
    async () => {
      const done = await page.evaluate(() => (window as unknown as { balieEvents: { type: string; at: number }[] }).balieEvents.filter((e) => e.type === 'balie-upload-completed').map((e) => e.at));
      const failed = await page.locator('balie-documents-panel li[data-upload="failed"]').count();
      if (failed) throw new Error(`the widget shows ${failed} failed upload(s)`);
      return done.length >= paths.length ? Math.max(...done) : undefined;
    },
    'the widget to announce every upload',
    DONE_TIMEOUT_MS,
    50,
  );
  return last - started;
}

/**
 * The baseline: each file as one tus POST and one PATCH carrying the whole file, sent by fetch from a
 * page of the server's origin with the personal link, `parallel` at a time; resolves with the ms.
 */
async function plainRequests(page: Page, token: string, paths: string[], parallel: number) {
  // Timed from the pick, as the widget's run is.
  const started = Date.now();
  await page.locator('#bench-files').setInputFiles(paths);
  // No named functions inside: tsx would wrap them in a helper the page lacks.
  await page.evaluate(
    async ({ token, parallel }) => {
      const files = [...(document.querySelector('#bench-files') as HTMLInputElement).files!];
      const tus = { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` };
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          for (let file = files.shift(); file; file = files.shift()) {
            const created = await fetch('/files', {
              method: 'POST',
              headers: { ...tus, 'upload-length': String(file.size), 'upload-metadata': `filename ${btoa(file.name)}` },
            });
            if (created.status !== 201) throw new Error(`POST answered ${created.status}`);
            const sent = await fetch(created.headers.get('location')!, {
              method: 'PATCH',
              headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
              body: file,
            });
            if (sent.status !== 204) throw new Error(`PATCH answered ${sent.status}: ${await sent.text()}`);
          }
        }),
      );
    },
    { token, parallel },
  );
  return Date.now() - started;
}

export const upload: Benchmark = {
  name: 'upload',
  ids: ['upload.throughput_ratio', 'upload.resent_bytes_after_kill', 'upload.small_files_per_s'],
  async run() {
    const t0 = Date.now();
    const phase = (name: string) => process.env.BENCH_DEBUG && console.error(`${name} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const dataDir = mkdtempSync(join(tmpdir(), 'balie-bench-upload-'));
    const files = tempFiles();
    const servers: ChildServer[] = [];
    let launching: Promise<Browser> | undefined;
    let proxy: Awaited<ReturnType<typeof countingProxy>> | undefined;
    try {
      const port = await freePort();
      proxy = await countingProxy(port);
      // The kill part runs through the proxy: links and the widget's origin are the proxy's.
      const env = { MAX_UPLOAD_MB: '300', MAX_APPOINTMENT_MB: '100000', PUBLIC_URL: proxy.url, ALLOWED_ORIGINS: `http://127.0.0.1:${port}` };
      const start = async () => {
        const server = await startChildServer({ dataDir, port, env });
        servers.push(server);
        return server;
      };
      launching = chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      const direct = (await start()).url;
      const browser = await launching;
      const big = files.write('groot.pdf', pdfBytes(BIG));
      const half = files.write('half.pdf', pdfBytes(KILLED));
      phase('server and browser up');
      const small = Array.from({ length: SMALL.count }, (_, i) => files.write(`klein-${i}.pdf`, pdfBytes(SMALL.size)));
      const free = await slots(direct);
      let booked = 0;
      const newAppointment = async () => {
        const start = free[booked++];
        if (!start) throw new Error('ran out of free slots to book');
        return book({ url: direct } as TestServer, { start, channel: 'video', locationId: null });
      };
      // One appointment for all baseline requests, and a page of the server's origin with a file input.
      const plainToken = (await newAppointment()).token;
      const plainPage = await newPage(browser);
      await plainPage.goto(`${direct}/`);
      await plainPage.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { type: 'file', id: 'bench-files', multiple: true })));

      // Throughput: the widget vs a plain PUT, alternating, one appointment (and page) per widget run.
      const ours: number[] = [];
      const plain: number[] = [];
      const patches: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await managePage(browser, direct, (await newAppointment()).token);
        let sent = 0;
        page.on('request', (request) => void (request.method() === 'PATCH' && sent++));
        ours.push(BIG / MB / ((await widgetUpload(page, [big])) / 1000));
        patches.push(sent);
        await page.context().close();
        plain.push(BIG / MB / ((await plainRequests(plainPage, plainToken, [big], 1)) / 1000));
      }

      phase('throughput runs done');
      // Small files: all picked at once.
      const smallPage = await managePage(browser, direct, (await newAppointment()).token);
      const smallOurs = SMALL.count / ((await widgetUpload(smallPage, small)) / 1000);
      await smallPage.context().close();
      const smallPlain = SMALL.count / ((await plainRequests(plainPage, plainToken, small, 2)) / 1000);

      phase('small files done');
      // SIGKILL at half way, through the counting proxy.
      const killPage = await managePage(browser, proxy.url, (await newAppointment()).token);
      let uploadId = '';
      killPage.on('response', (response) => {
        if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/files') uploadId = (response.headers().location ?? '').split('/').pop()!;
      });
      proxy.reset();
      await killPage.locator('balie-documents-panel #file-input').setInputFiles(half);
      const partial = () => join(dataDir, 'documents', uploadId);
      const stored = () => (uploadId ? (statSync(partial(), { throwIfNoEntry: false })?.size ?? 0) : 0);
      // Half way and in the middle of a chunk: at a chunk boundary the next chunk is already wholly in
      // flight, which is the worst case (one chunk), not the typical one.
      await until(() => (stored() >= KILLED / 2 + CHUNK_SIZE / 2 ? true : undefined), 'half of the file on the server', 30_000, 5);
      phase('killing');
      servers.at(-1)!.kill('SIGKILL');
      await servers.at(-1)!.exited;
      const killedAt = stored();
      await start();
      phase('restarted');
      await until(async () => ((await recordedEvents(killPage, 'balie-upload-completed')).length ? true : undefined), 'the resumed upload to complete');
      phase('resumed upload done');
      const resent = proxy.sent() - KILLED;
      if (stored() !== KILLED) throw new Error(`the resumed file has ${stored()} bytes, not ${KILLED}`);

      return [
        figure({
          id: 'upload.throughput_ratio',
          ours: quantile(ours, 0.5),
          baseline: quantile(plain, 0.5),
          target: { on: 'ratio', atLeast: 0.9 },
          unit: 'MB/s',
          note:
            `200 MB via Uppy + tus until announced, vs POST + one streamed PATCH of the whole file from the same page; median of ${RUNS}. ` +
            `Chunks start at ${CHUNK_SIZE / MB} MiB and grow to ~1 s each at the measured speed (max ${MAX_CHUNK_SIZE / MB} MiB): ` +
            `${quantile(patches, 0.5)} PATCHes instead of ${Math.ceil(BIG / CHUNK_SIZE)}; PATCH bodies skip Node's web-stream round trip on the server`,
        }),
        figure({
          id: 'upload.resent_bytes_after_kill',
          ours: resent,
          baseline: CHUNK_SIZE,
          target: { on: 'ours', atMost: CHUNK_SIZE },
          unit: 'bytes',
          note: `SIGKILL with ${(killedAt / MB).toFixed(0)} of ${KILLED / MB} MB stored, restart, resumed by itself; bytes sent beyond the file size (headers included) vs one first-size chunk`,
        }),
        figure({
          id: 'upload.small_files_per_s',
          ours: smallOurs,
          baseline: smallPlain,
          target: { on: 'ratio', atLeast: 0.2 },
          unit: 'files/s',
          note: `${SMALL.count} × 100 KB picked at once until announced vs plain POST + PATCH pairs from the page; both 2 at a time`,
        }),
      ];
    } finally {
      await (await launching?.catch(() => undefined))?.close();
      for (const server of servers) server.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.exited));
      await proxy?.close();
      files.remove();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
