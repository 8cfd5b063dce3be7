// Call set-up in real Chromium pages (fake camera and microphone, loopback ICE):
// - call.setup_ratio: the real widget call (citizen page + staff console page) from the moment both
//   are in the meeting (the citizen's page announced `balie-call-started`, staff were already in the
//   call view, both signalling sockets open) to the first decoded remote video frame on both pages, vs
//   a bare simple-peer pair (simple-peer's UMD build, no widget) from the moment both sockets are open,
//   signalling through the same PeerJS server with credentials from our own join API. The time from
//   the admit click to the citizen's page noticing it is reported apart, in the note.
// - call.relay_ratio: the same widget call with TURN_RELAY_ONLY=true through coturn vs direct.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { enterWaitingRoom } from '../test-support/call-journey.ts';
import { startCoturn } from '../test-support/coturn.ts';
import { startTestServer, testClock, type TestServer } from '../test-support/server.ts';
import { joinAsStaff, signalUrl, upgradeStatus, type MeetingJoin } from '../test-support/signal.ts';
import { DEMO_PASSWORD, signIn, staffEmail } from '../test-support/staff.ts';
import { listenOnLoopback, quantile } from './measure.ts';
import { figure, type Benchmark } from './table.ts';

const RUNS = Number(process.env.BENCH_CALL_RUNS ?? 5);
const BASELINE_RUNS = Number(process.env.BENCH_CALL_BASELINE_RUNS ?? 5);
const TURN_SECRET = 'coturn-secret-for-the-call-bench';
// Sunday: book Monday's video slots; each run moves the clock to ten minutes before its slot.
const SUNDAY = '2027-02-28T12:00:00Z';
// The agenda shows first names only: a distinct one per run.
const NAMES = ['Anna Aerts', 'Bram Bosmans', 'Carla Claes', 'Dirk Dewit', 'Els Engels', 'Frank Francken', 'Greet Goossens'];
const firstName = (name: string) => name.split(' ')[0]!;
const FRAME_TIMEOUT_MS = 25_000;

const simplePeerUmd = () =>
  readFileSync(join(dirname(createRequire(import.meta.url).resolve('simple-peer/package.json')), 'simplepeer.min.js'), 'utf8');

/** Resolves with the ms from `t0` until a remote video on the page shows a decoded frame. */
async function firstRemoteFrame(page: Page, t0: number): Promise<number> {
  const videos = page.locator('video[data-peer]:not([data-peer="self"])');
  const deadline = t0 + FRAME_TIMEOUT_MS;
  for (;;) {
    const seen = await videos.evaluateAll(
      (list) => list.filter((v) => (v as HTMLVideoElement).videoWidth > 0 && (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0).length,
    );
    if (seen > 0) return Date.now() - t0;
    if (Date.now() > deadline) throw new Error(`no remote frame within ${FRAME_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
  return { context, page: await context.newPage() };
}

/** The civil servant: sign in, open this citizen's dossier, start the call. */
async function startCallAsStaff(page: Page, base: string, name: string) {
  await page.goto(`${base}/medewerker`);
  const signOut = page.getByRole('button', { name: 'Afmelden' });
  const email = page.getByLabel('E-mailadres');
  await email.or(signOut).first().waitFor();
  if (await email.isVisible()) {
    await email.fill(staffEmail.an);
    await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
  }
  // Each run's appointment may be another team member's.
  await page.getByLabel('Afspraken van').selectOption({ label: 'Het hele team' });
  await page.getByRole('button', { name: new RegExp(`Dossier van ${firstName(name)} `) }).click();
  // The dossier re-renders as live events arrive (the citizen entering the waiting room): a click
  // that landed on a button being replaced is lost, so click again while it is still there.
  const start = page.getByRole('button', { name: 'Gesprek starten' });
  const callHeading = page.getByRole('heading', { name: new RegExp(`Videogesprek met ${firstName(name)}`) });
  await start.waitFor();
  for (let attempt = 1; ; attempt++) {
    if (await start.isVisible()) await start.click().catch(() => undefined);
    try {
      await callHeading.waitFor({ timeout: 6000 });
      return;
    } catch (error) {
      if (attempt < 3) continue;
      if (process.env.BENCH_DEBUG) console.error(await page.locator('main').ariaSnapshot());
      throw error;
    }
  }
}

interface Booked {
  name: string;
  token: string;
  id: string;
  start: string;
}

/** Books Monday's first free video slots for these names while the clock still reads Sunday. */
async function bookMonday(server: TestServer, names: string[]): Promise<Booked[]> {
  const booked: Booked[] = [];
  for (const name of names) {
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0];
    if (!start) throw new Error('no free video slot on Monday');
    const { token, id } = await book(server, { start, channel: 'video', locationId: null }, { citizen: { name, email: 'marie@example.org' } });
    booked.push({ name, token, id, start });
  }
  return booked;
}

/** Ten minutes before the appointment: the meeting can be joined. */
const joinTime = (server: TestServer, appointment: Booked) => server.clock.set(new Date(Date.parse(appointment.start) - 10 * 60_000));

/** The wall-clock ms at which the citizen's page announced the call (the public event), once it did. */
async function callStartedAt(page: Page, deadline: number): Promise<number> {
  for (;;) {
    const at = await page.evaluate(() => (window as unknown as { balieCallStartedAt?: number }).balieCallStartedAt);
    if (at) return at;
    if (Date.now() > deadline) throw new Error('the citizen page never announced balie-call-started');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface CallSamples {
  /** Both in the meeting → first remote frame on both pages. */
  setup: number[];
  /** Admit click answered → the citizen's page in the call. */
  admission: number[];
}

/** Real widget calls, one appointment each: ms from both in the meeting to remote frames on both pages. */
async function widgetCalls(browser: Browser, server: TestServer, appointments: Booked[], expectRelay: boolean): Promise<CallSamples> {
  const samples: CallSamples = { setup: [], admission: [] };
  for (const appointment of appointments) {
    const { name, token } = appointment;
    joinTime(server, appointment);
    const citizen = await newPage(browser);
    const staff = await newPage(browser);
    try {
      // The public event, as an integrator would listen for it; Date.now() is the wall clock node reads too.
      await citizen.page.addInitScript(() =>
        document.addEventListener('balie-call-started', () => ((window as unknown as { balieCallStartedAt?: number }).balieCallStartedAt = Date.now())),
      );
      await enterWaitingRoom(citizen.page, server.url, token);
      // The agenda re-renders while it loads: one more try from the start when the dossier did not open.
      await startCallAsStaff(staff.page, server.url, name).catch(() => startCallAsStaff(staff.page, server.url, name));
      const admitButton = staff.page.getByRole('button', { name: `${name} binnenlaten` });
      await admitButton.waitFor();
      const admitted = staff.page.waitForResponse((r) => r.url().includes('/admit') && r.request().method() === 'POST');
      await admitButton.click();
      // Both in the meeting: the server has admitted the citizen, both sockets are open.
      if (!(await admitted).ok()) throw new Error('admit refused');
      const admittedAt = Date.now();
      const frames = Promise.all([firstRemoteFrame(citizen.page, admittedAt), firstRemoteFrame(staff.page, admittedAt)]);
      const t0 = await callStartedAt(citizen.page, admittedAt + FRAME_TIMEOUT_MS);
      const setup = Math.max(...(await frames)) + admittedAt - t0;
      samples.setup.push(setup);
      samples.admission.push(t0 - admittedAt);
      process.stderr.write(`[${expectRelay ? 'relay' : 'direct'} ${setup} ms, admission ${t0 - admittedAt} ms] `);
      if (expectRelay) await citizen.page.locator('[data-relayed="true"]').waitFor({ timeout: 15_000 });
    } finally {
      await citizen.context.close();
      await staff.context.close();
    }
  }
  return samples;
}

/**
 * The bare pair's host page with simple-peer's UMD build, served by a loopback server of its own: a
 * page made up with Playwright's `route.fulfill` has no address, so Chromium counts it as public and
 * its Local Network Access check blocks its WebSocket to 127.0.0.1
 * (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). Its origin is passed to the app in
 * ALLOWED_ORIGINS, as a municipality's site would be.
 */
async function barePageServer(): Promise<{ url: string; server: Server }> {
  // tsx keeps function names with a `__name` helper that the page does not have.
  const body = `<!doctype html><title>bare</title><script>window.__name = (f) => f;</script><script>${simplePeerUmd().replace(/<\/script/gi, '<\\/script')}</script><body></body>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body));
  return { url: await listenOnLoopback(server), server };
}

/** The bare pair's page: simple-peer's UMD build, getUserMedia like the widget, PeerJS over a WebSocket. */
async function barePeerPage(browser: Browser, server: TestServer, pageUrl: string, join: MeetingJoin) {
  const { context, page } = await newPage(browser);
  await page.goto(pageUrl);
  await page.evaluate(
    async ({ url, iceServers }) => {
      const w = window as any;
      w.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } });
      const socket = new WebSocket(url);
      w.socket = socket;
      const create = (dst: string, initiator: boolean) => {
        const peer = new w.SimplePeer({ initiator, trickle: true, stream: w.stream, config: { iceServers } });
        peer.on('signal', (data: { type?: string }) => {
          const type = data.type === 'offer' ? 'OFFER' : data.type === 'answer' ? 'ANSWER' : 'CANDIDATE';
          socket.send(JSON.stringify({ type, dst, payload: data }));
        });
        peer.on('stream', (stream: MediaStream) => {
          const video = document.createElement('video');
          video.dataset.peer = dst;
          video.muted = true;
          video.autoplay = true;
          video.playsInline = true;
          video.srcObject = stream;
          document.body.append(video);
        });
        w.peer = peer;
        return peer;
      };
      w.call = (dst: string) => create(dst, true);
      await new Promise<void>((resolve, reject) => {
        socket.onerror = () => reject(new Error(`signalling socket failed (${location.origin})`));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; src?: string; payload?: unknown };
          if (message.type === 'OPEN') return resolve();
          if (!['OFFER', 'ANSWER', 'CANDIDATE'].includes(message.type) || !message.src) return;
          if (!w.peer) create(message.src, false);
          w.peer.signal(message.payload);
        };
      });
    },
    { url: signalUrl(server, join), iceServers: join.iceServers },
  );
  return { context, page };
}

/** Bare simple-peer pairs in one meeting (two staff joins: both admitted): ms from "call" to frames on both. */
async function bareCalls(browser: Browser, server: TestServer, pageUrl: string, appointment: Booked, runs: number): Promise<number[]> {
  const { id } = appointment;
  joinTime(server, appointment);
  const staff = await signIn(server);
  const samples: number[] = [];
  const probe = await upgradeStatus(signalUrl(server, await joinAsStaff(staff, id)));
  if (probe !== 101) throw new Error(`the bare pair's signalling upgrade is refused with ${probe}`);
  for (let i = 0; i < runs; i++) {
    const [joinA, joinB] = [await joinAsStaff(staff, id), await joinAsStaff(staff, id)];
    const a = await barePeerPage(browser, server, pageUrl, joinA);
    const b = await barePeerPage(browser, server, pageUrl, joinB);
    try {
      const t0 = Date.now();
      await a.page.evaluate((dst) => void (window as any).call(dst), joinB.peerId);
      const [x, y] = await Promise.all([firstRemoteFrame(a.page, t0), firstRemoteFrame(b.page, t0)]);
      samples.push(Math.max(x, y));
      process.stderr.write(`[bare ${Math.max(x, y)} ms] `);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  }
  return samples;
}

export const call: Benchmark = {
  name: 'call',
  ids: ['call.setup_ratio', 'call.relay_ratio'],
  // Eleven browser calls, each with a device check and a staff sign-in: slow on a busy 2-core machine.
  timeLimitMs: 300_000,
  async run() {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    let direct: TestServer | undefined;
    let relayed: TestServer | undefined;
    let coturn: Awaited<ReturnType<typeof startCoturn>> | undefined;
    const barePage = await barePageServer();
    try {
      direct = await startTestServer({ clock: testClock(SUNDAY), env: { ALLOWED_ORIGINS: barePage.url } });
      // One more widget call than counted: the first warms up Chromium's media stack and the bundle.
      const directBooked = await bookMonday(direct, [...NAMES.slice(0, RUNS + 1), 'Zoë Baseline']);
      const measured = await widgetCalls(browser, direct, directBooked.slice(0, RUNS + 1), false);
      const ours = measured.setup.slice(1);
      const admission = measured.admission.slice(1);
      const bare = await bareCalls(browser, direct, barePage.url, directBooked[RUNS + 1]!, BASELINE_RUNS);
      coturn = await startCoturn(TURN_SECRET);
      relayed = await startTestServer({
        clock: testClock(SUNDAY),
        env: { TURN_URLS: coturn.url, TURN_SECRET, TURN_RELAY_ONLY: 'true' },
      });
      const relay = (await widgetCalls(browser, relayed, await bookMonday(relayed, NAMES.slice(0, RUNS)), true)).setup;
      const median = (s: number[]) => quantile(s, 0.5);
      const list = (s: number[]) => s.map((v) => Math.round(v)).join('/');
      return [
        figure({
          id: 'call.setup_ratio',
          ours: median(ours),
          baseline: median(bare),
          target: { on: 'ratio', atMost: 1.2 },
          unit: 'ms',
          note:
            `median both in the meeting→first remote frame on both pages, widget ${list(ours)} vs bare simple-peer pair ${list(bare)} ` +
            `over the same /signal; admit click→citizen page in the call ${list(admission)} ms (not counted)`,
        }),
        figure({
          id: 'call.relay_ratio',
          ours: median(relay),
          baseline: median(ours),
          target: { on: 'ratio', atMost: 1.5 },
          unit: 'ms',
          note: `median widget call, relay-only through coturn ${list(relay)} vs direct`,
        }),
      ];
    } finally {
      await browser.close();
      await direct?.cleanup();
      await relayed?.cleanup();
      await coturn?.stop();
      barePage.server.close();
    }
  },
};
