import { chromium, type Browser, type Page } from 'playwright-core';
import { book, offeredStarts } from './booking.ts';
import { enterWaitingRoom, startCallAsStaff } from './call-journey.ts';
import { framesOf, remoteFrames } from './call-media.ts';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { createShapedLine, type LineProfile } from './netns.ts';
import { freePort, startTestServer, testClock } from './server.ts';
import { eventually } from './uploads.ts';

/**
 * A call over a weak line, as issue 14 asks to prove it: the civil servant (and the server) on this
 * machine's network, the citizen's Chromium in a network namespace behind a shaped veth pair
 * (test-support/netns.ts). The line is first clear, then 300 kbit/s with 5 % loss and 150 ms delay,
 * then cut for 10 s, then clear again. Measured as a person would notice it, at the citizen's page:
 * whether the civil servant is heard each second, what the indicator says, whether video is off and
 * when it comes back. Shared by e2e/weak-connection.test.ts and the benchmark (bench/weak-line.ts).
 */

export const WEAK_LINE: LineProfile = { rate: '300kbit', delayMs: 150, lossPercent: 5 };
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
/** Loudest sample in a second above which the civil servant counts as heard (silence decodes to ~0). */
export const HEARD = 0.01;

export interface WeakLineResult {
  /** How the line was shaped on this kernel. */
  how: string;
  /** The loudest sample of each second the citizen heard, clear line and weak line. */
  clearSeconds: number[];
  weakSeconds: number[];
  /** The citizen's indicator: what it said on the clear line, and every level it showed on the weak one. */
  clearLevel: string;
  weakLevels: string[];
  /** Every level the civil servant's own indicator showed on the weak line (the same line, seen from the other end). */
  staffWeakLevels: string[];
  /** Seconds into the weak phase until the citizen saw the civil servant's video switched off by the call. */
  videoOffAfterS: number | undefined;
  /** Seconds from the line coming back after the cut until the civil servant's picture moves again at the citizen. */
  recoverS: number;
  /** Seconds for the same picture to come back on a clear line when the civil servant switches video on by hand. */
  clearVideoBackS: number;
  /** Nobody was in the waiting room after the cut: no second admission was needed. */
  admittedOnce: boolean;
  /** The citizen's page showed the "try video again" button while video was off. */
  offeredTryVideo: boolean;
}

const fraction = (seconds: number[]) => seconds.filter((peak) => peak > HEARD).length / seconds.length;
export const heardShare = fraction;

/**
 * The loudest sample of each of `seconds` one-second windows of a remote participant's audio as the
 * page hears it. Runs in the page: no named inner functions (tsx would wrap them in a helper the page lacks).
 */
async function secondsHeard(video: Element, seconds: number): Promise<number[]> {
  const context = new AudioContext();
  const source = context.createMediaStreamSource((video as HTMLVideoElement).srcObject as MediaStream);
  // A ScriptProcessor sees every sample (an analyser only the latest window): no beep slips between readings.
  const processor = context.createScriptProcessor(1024, 1, 1);
  const peaks: number[] = new Array(seconds).fill(0);
  const start = context.currentTime;
  processor.onaudioprocess = (event) => {
    const second = Math.floor(event.playbackTime - start);
    if (second < 0 || second >= seconds) return;
    const samples = event.inputBuffer.getChannelData(0);
    let peak = peaks[second]!;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
    peaks[second] = peak;
  };
  source.connect(processor);
  processor.connect(context.destination);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 500));
  processor.disconnect();
  await context.close();
  return peaks;
}

/** The citizen's own indicator ("Verbinding: …"). */
const ownLevel = (page: Page) => page.locator('[data-own-quality]').innerText();
/** The civil servant's tile at the citizen says the call switched their video off (audio only). */
const staffAudioOnly = (page: Page) => page.locator('figure.tile:not(.self) .camera-off', { hasText: 'neemt deel met alleen geluid' }).count();

/** With WEAK_LINE_DEBUG set: what both pages show, every 2 s, to stderr. */
function watch(citizen: Page, staff: Page) {
  if (!process.env.WEAK_LINE_DEBUG) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    void Promise.all([ownLevel(citizen), ownLevel(staff), staffAudioOnly(citizen), staffAudioOnly(staff), framesOf(citizen), framesOf(staff)])
      .then((seen) => console.error(`${((Date.now() - started) / 1000).toFixed(0)} s`, JSON.stringify(seen)))
      .catch(() => undefined);
  }, 2000);
  return () => clearInterval(timer);
}

async function timed(what: () => Promise<unknown>) {
  const start = Date.now();
  await what();
  return (Date.now() - start) / 1000;
}

/** Runs the whole call; removes the namespace, browsers and server also when something fails. */
export async function weakLineCall(opts: { weakSeconds?: number; cutSeconds?: number; clearSeconds?: number } = {}): Promise<WeakLineResult> {
  const { weakSeconds = 30, cutSeconds = 10, clearSeconds = 8 } = opts;
  const line = await createShapedLine();
  const browsers: Browser[] = [];
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let stopWatching = () => undefined as void;
  try {
    const port = await freePort();
    const inside = `http://${line.hostAddress}:${port}`;
    // Listening on every address, so the namespace reaches it over the pair; its origin may signal.
    server = await startTestServer({ clock: testClock(SUNDAY), port, overrides: { host: '0.0.0.0', allowedOrigins: [inside] } });
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);

    const staffBrowser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    browsers.push(staffBrowser);
    // Inside the namespace the server is not on loopback: Chromium is told to treat its origin as
    // secure, as it does https, so the camera and microphone may be asked for.
    const citizenBrowser = await chromium.launch({ executablePath: line.chromium, args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${inside}`] });
    browsers.push(citizenBrowser);
    const newPage = async (browser: Browser) => (await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' })).newPage();
    const [citizen, staff] = [await newPage(citizenBrowser), await newPage(staffBrowser)];

    await enterWaitingRoom(citizen, inside, token);
    await startCallAsStaff(staff, server.url);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    const staffTile = citizen.locator('figure.tile', { hasText: 'Medewerker' }).locator('video');
    stopWatching = watch(citizen, staff);

    // The clear line: the indicator settles on "goed", the civil servant is heard every second, and
    // video switched off and on by hand comes back within a moment (the baseline for recovery).
    await eventually(async () => (await ownLevel(citizen)) === 'Verbinding: goed', 'the indicator saying goed on a clear line', 30_000);
    const clearLevel = await ownLevel(citizen);
    const clearHeard = await staffTile.evaluate(secondsHeard, clearSeconds);
    const audioOnlyBox = staff.getByRole('checkbox', { name: 'Verder met alleen geluid' });
    await audioOnlyBox.check();
    await eventually(async () => (await staffAudioOnly(citizen)) > 0, 'the civil servant audio only by hand');
    const beforeBack = await framesOf(citizen);
    const clearVideoBackS = await timed(async () => {
      await audioOnlyBox.uncheck();
      await eventually(async () => (await staffAudioOnly(citizen)) === 0 && (await framesOf(citizen))[0]! > beforeBack[0]! + 5, 'video back by hand');
    });

    // The weak line: listen every second while watching the indicator and the civil servant's picture.
    await line.set(WEAK_LINE);
    const weakStart = Date.now();
    const weakLevels = new Set<string>();
    const staffWeakLevels = new Set<string>();
    let videoOffAfterS: number | undefined;
    let offeredTryVideo = false;
    const listening = staffTile.evaluate(secondsHeard, weakSeconds);
    let done = false;
    void listening.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      weakLevels.add(await ownLevel(citizen));
      staffWeakLevels.add(await ownLevel(staff));
      if (videoOffAfterS === undefined && (await staffAudioOnly(citizen)) > 0) videoOffAfterS = (Date.now() - weakStart) / 1000;
      offeredTryVideo ||= (await citizen.getByRole('button', { name: 'Beeld opnieuw proberen' }).count()) > 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const weakHeard = await listening;

    // A cut of 10 s (a tunnel), then the line is clear again: the call comes back by itself.
    await line.set('cut');
    await new Promise((resolve) => setTimeout(resolve, cutSeconds * 1000));
    await line.set('clear');
    const recoverS = await timed(async () => {
      await eventually(async () => (await staffAudioOnly(citizen)) === 0, 'the civil servant video back on', 60_000);
      const frames = await framesOf(citizen);
      await eventually(async () => (await framesOf(citizen)).some((n, i) => n > frames[i]! + 5), 'the picture moving again', 30_000);
    });
    const admittedOnce = (await staff.getByRole('button', { name: /binnenlaten/ }).count()) === 0 && (await citizen.getByRole('button', { name: 'Gesprek verlaten' }).count()) === 1;
    return { how: line.how, clearSeconds: clearHeard, weakSeconds: weakHeard, clearLevel, weakLevels: [...weakLevels], staffWeakLevels: [...staffWeakLevels], videoOffAfterS, recoverS, clearVideoBackS, admittedOnce, offeredTryVideo };
  } finally {
    stopWatching();
    for (const browser of browsers) await browser.close().catch(() => undefined);
    await server?.cleanup();
    await line.remove();
  }
}
