// Real-time text in a real widget call (citizen page + staff console page, fake devices, loopback ICE):
// - call.rtt_p95_ms: from a keystroke in the citizen's real-time text box (its `input` event) to the
//   civil servant's page showing that text (a MutationObserver on her region), p95 over 200
//   characters typed 50 ms apart. Both pages stamp with performance.timeOrigin + now(): one machine
//   clock. Target: 500 ms (EN 301 549 6.2.4). The T.140 sender buffers up to 300 ms by design.
//   Baseline: a bare data-channel round trip (two RTCPeerConnections in one page, echo), p95 over
//   200 messages in the same run: what the transport itself costs.
import { chromium } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { keystrokeLatencies, quantileOf, recordShown, recordTyping, rttInput, rttRegion } from '../test-support/rtt.ts';
import { startTestServer, testClock } from '../test-support/server.ts';
import { figure, type Benchmark } from './table.ts';

const CHARACTERS = 200;
const TYPING_DELAY_MS = 50;
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
const SENTENCE = 'Goedemorgen, ik heb een vraag over de mantelzorgpremie voor mijn moeder. ';

/** Round trips of one-character messages over a bare data channel between two connections in the page. */
async function bareRoundTrips(count: number): Promise<number[]> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  const channel = a.createDataChannel('bare');
  b.ondatachannel = ({ channel: echo }) => (echo.onmessage = ({ data }) => echo.send(data));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  await new Promise((resolve) => (channel.readyState === 'open' ? resolve(undefined) : (channel.onopen = resolve)));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    await new Promise<void>((resolve) => {
      channel.onmessage = () => resolve();
      channel.send('x');
    });
    times.push(performance.now() - sent);
  }
  a.close();
  b.close();
  return times;
}

export const rtt: Benchmark = {
  name: 'rtt',
  ids: ['call.rtt_p95_ms'],
  timeLimitMs: 180_000,
  async run() {
    const server = await startTestServer({ clock: testClock(SUNDAY) });
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
      // The citizen prefers text: the panel opens by itself on both sides.
      const { token } = await book(server, { start, channel: 'video', locationId: null }, { prefersText: true });
      server.clock.set(JUST_BEFORE);
      const page = async () => (await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' })).newPage();
      const [citizen, staff] = [await page(), await page()];
      await enterWaitingRoom(citizen, server.url, token);
      await startCallAsStaff(staff, server.url);
      await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
      await rttInput(citizen).waitFor({ timeout: 30_000 });
      await rttRegion(staff, 'Marie Claes').waitFor({ timeout: 30_000 });
      // Let the T.140 channel of the pair open.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const typed = await recordTyping(citizen);
      const shown = await recordShown(staff, 'Marie Claes');
      const text = SENTENCE.repeat(Math.ceil(CHARACTERS / SENTENCE.length)).slice(0, CHARACTERS);
      await rttInput(citizen).pressSequentially(text, { delay: TYPING_DELAY_MS });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const latencies = keystrokeLatencies(await typed(), await shown());
      if (latencies.length !== CHARACTERS) throw new Error(`${latencies.length} keystrokes recorded, not ${CHARACTERS}`);
      const missing = latencies.filter((l) => !Number.isFinite(l)).length;
      if (missing) throw new Error(`${missing} keystrokes never shown on the other side`);

      const baseline = await citizen.evaluate(bareRoundTrips, CHARACTERS);
      const p95 = quantileOf(latencies, 0.95);
      return [
        figure({
          id: 'call.rtt_p95_ms',
          ours: p95,
          baseline: quantileOf(baseline, 0.95),
          target: { on: 'ours', atMost: 500 },
          unit: 'ms',
          note: `keystroke → shown at the other page, ${CHARACTERS} characters ${TYPING_DELAY_MS} ms apart: p50 ${quantileOf(latencies, 0.5).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (T.140 buffers up to 300 ms); baseline: bare data-channel round trip p95`,
        }),
      ];
    } finally {
      await browser.close();
      await server.cleanup();
    }
  },
};
