import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { checkDevicesAndWait, startCallAsStaff } from '../test-support/call-journey.ts';
import { framesAdvance, RECORD_PEER_CONNECTIONS, remoteFrames } from '../test-support/call-media.ts';
import { startCluster, type Cluster } from '../test-support/cluster.ts';
import { api, bookingBody } from '../test-support/server.ts';
import { cookieOf, DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { eventually } from '../test-support/uploads.ts';
import { launchChromium } from './support.ts';

/**
 * Issue 15: a video call through HAProxy (exactly deploy/haproxy.cfg) in front of three instances
 * on one PostgreSQL schema, in real Chromium. The instances run on the real clock, so the test makes
 * the appointment start now with the product's own features: the beheerder sets the notice period to
 * zero and opens video hours today from a few minutes from now.
 */

const ZONE = 'Europe/Brussels';
/** Latest local start (minutes after midnight) of today's video block: a 30-minute slot must fit before 23:55. */
const LATEST_START = 23 * 60 + 20;

/** Today in Brussels: the date, the ISO weekday (1 = Monday) and the minutes since midnight. */
function localNow(at = new Date()) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return {
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// A few minutes of margin for starting the cluster before the block is computed.
const skip = localNow().minutes + 5 > LATEST_START ? `too close to midnight in ${ZONE} for a video block today (it must start by ${hhmm(LATEST_START)})` : false;

type HoursBlock = { weekday: number; startTime: string; endTime: string; channel: string; locationId: string | null };

/**
 * As the demo beheerder (An), through HAProxy: no notice period for the mantelzorgpremie, and a video
 * block for An today from the next five-minute mark on, instead of her other blocks of this weekday.
 * Chloé, who offers the service too, loses her video blocks of this weekday, so the slot is An's and
 * the call shows on her console. Then Marie books the first video slot through the public API.
 */
async function bookCallStartingNow(base: string) {
  const login = await api(base, '/api/staff/login', { body: { email: staffEmail.an, password: DEMO_PASSWORD } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const headers = { cookie: cookieOf(login.headers), 'x-csrf-token': login.body.csrfToken as string };
  const staffApi = (path: string, method: string, body?: unknown) => api(base, path, { method, body, headers });

  const notice = await staffApi('/api/staff/services/mantelzorgpremie', 'PATCH', { noticeMin: 0 });
  assert.equal(notice.status, 200, JSON.stringify(notice.body));

  const now = localNow();
  // Two minutes of margin: the slot must still lie ahead when Marie books it.
  const start = Math.ceil((now.minutes + 2) / 5) * 5;
  assert.ok(start <= LATEST_START, `too close to midnight now (${hhmm(now.minutes)})`);
  const block = { weekday: now.weekday, startTime: hhmm(start), endTime: hhmm(Math.min(start + 60, 23 * 60 + 55)), channel: 'video', locationId: null };
  const otherDays = async (staffId: string): Promise<HoursBlock[]> => {
    const listed = await staffApi(`/api/staff/opening-hours?staff=${staffId}`, 'GET');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    // Field by field: the schema is strict and the listing carries ids.
    return (listed.body as HoursBlock[])
      .filter((h) => h.weekday !== now.weekday)
      .map((h) => ({ weekday: h.weekday, startTime: h.startTime, endTime: h.endTime, channel: h.channel, locationId: h.locationId }));
  };
  for (const [staffId, hours] of [
    ['an', [...(await otherDays('an')), block]],
    ['chloe', await otherDays('chloe')],
  ] as const) {
    const replaced = await staffApi(`/api/staff/opening-hours/${staffId}`, 'PUT', { hours });
    assert.equal(replaced.status, 200, `${staffId}: ${JSON.stringify(replaced.body)}`);
  }

  const listing = await api(base, '/api/services/mantelzorgpremie/slots?channel=video&days=1');
  assert.equal(listing.status, 200, JSON.stringify(listing.body));
  const slot = listing.body.slots[0] as { start: string; channel: string; locationId: string | null } | undefined;
  assert.ok(slot, `no video slot offered today after opening ${block.startTime}–${block.endTime}: ${JSON.stringify(listing.body)}`);
  assert.ok(Date.parse(slot.start) - Date.now() < 15 * 60_000, `the first slot ${slot.start} is not within the meeting window`);
  const booked = await api(base, '/api/appointments', { body: bookingBody(slot) });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  return booked.body.token as string;
}

/**
 * HAProxy's log lines (httplog): `… [03/Dec/2026:14:32:12.365] balie balie/b2 0/0/0/1/1 200 … "GET
 * /medewerker HTTP/1.1"`, written when a request ends (a socket's when it closes), stamped with the
 * time it was accepted, in HAProxy's local time (its zone is ours).
 */
const logLine = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d\.\d{3})\] \S+ (balie(?:_meeting)?)\/(b\d)\s+\S+\s+(\d{3})\s.*"(\S+) (\S+) HTTP/;
const parsed = (line: string) => {
  const m = logLine.exec(line);
  if (!m) return undefined;
  const [, day, month, year, time, backend, instance, status, method, uri] = m as unknown as string[];
  return { acceptedAt: new Date(`${day} ${month} ${year} ${time}`).getTime(), backend: backend!, instance: instance!, status: Number(status), method: method!, uri: uri! };
};
const requests = (cluster: Cluster) => cluster.requestLog.flatMap((line) => parsed(line) ?? []);

/** Waits for HAProxy to log one more request matching `uri` and returns the instance that answered it. */
async function answeredBy(cluster: Cluster, uri: (uri: string) => boolean, seenBefore: number) {
  const matching = () => requests(cluster).filter((r) => r.method === 'GET' && uri(r.uri));
  await eventually(() => matching().length > seenBefore, 'HAProxy to log the page request', 5_000);
  return matching().at(-1)!.instance;
}

/** The new RTCPeerConnections (after the first `from`) that are connected; see RECORD_PEER_CONNECTIONS. */
const connectedSince = (page: Page, from: number) =>
  page.evaluate((n) => ((window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []).slice(n).filter((pc) => pc.connectionState === 'connected').length, from);
const connectionsMade = (page: Page) => page.evaluate(() => ((window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []).length);

describe('scale-out: a video call through HAProxy across three instances', { skip }, () => {
  let cluster: Cluster;
  let browser: Browser;
  let token: string;
  let citizen: Page;
  let staff: Page;

  before(async () => {
    cluster = await startCluster();
    browser = await launchChromium();
    token = await bookCallStartingNow(cluster.url);
    const page = async () => {
      const context = await browser.newContext({ locale: 'nl-BE', timezoneId: ZONE });
      const opened = await context.newPage();
      opened.on('pageerror', (error) => console.error('page error:', error.message));
      // An init script runs before the page's strict CSP applies.
      await opened.addInitScript({ content: RECORD_PEER_CONNECTIONS });
      return opened;
    };
    [citizen, staff] = [await page(), await page()];
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('admits the citizen whose page one instance served to the civil servant whose console another served; pictures and chat go both ways', async () => {
    const isConsole = (uri: string) => uri === '/medewerker';
    const isCitizenPage = (uri: string) => uri === `/?balie=${token}`;
    const consoleLoads = requests(cluster).filter((r) => isConsole(r.uri)).length;
    await startCallAsStaff(staff, cluster.url);
    const consoleInstance = await answeredBy(cluster, isConsole, consoleLoads);

    // Pages go round robin (backend balie). The civil servant opened the call first and waits; the
    // citizen's personal link is (re)loaded until another instance than the console's answers it:
    // reloading a personal link before going on is what a citizen may do anyway, and every load goes
    // through HAProxy, so the widget's meeting traffic still meets on the meeting's instance. (Loading
    // from an instance's own port instead would send the widget's sockets past HAProxy's hashing.)
    let citizenInstance = consoleInstance;
    for (let attempt = 0; citizenInstance === consoleInstance && attempt < 6; attempt += 1) {
      const loads = requests(cluster).filter((r) => isCitizenPage(r.uri)).length;
      await citizen.goto(`${cluster.url}/?balie=${token}`);
      citizenInstance = await answeredBy(cluster, isCitizenPage, loads);
    }
    assert.notEqual(citizenInstance, consoleInstance, 'the citizen page and the console from different instances');
    await checkDevicesAndWait(citizen);

    await staff.getByRole('button', { name: 'Marie Claes binnenlaten' }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    await Promise.all([framesAdvance(citizen), framesAdvance(staff)]);

    await citizen.getByLabel('Bericht').fill('Goedemorgen, hoort u mij?');
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await staff.getByRole('listitem').filter({ hasText: 'Goedemorgen, hoort u mij?' }).waitFor();
    await staff.getByLabel('Bericht').fill('Ja, en ik zie u ook.');
    await staff.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByRole('listitem').filter({ hasText: 'Ja, en ik zie u ook.' }).waitFor();

    // Every request of the meeting (sockets, presence, admission) went to one instance: HAProxy's hash.
    const meetingInstances = new Set(requests(cluster).filter((r) => r.backend === 'balie_meeting').map((r) => r.instance));
    assert.equal(meetingInstances.size, 1, `meeting traffic on ${[...meetingInstances].join(', ')}`);
  });

  it('when the instance holding the call is killed, both sides get pictures back within 40 s without a second admission', async () => {
    const holder = requests(cluster).filter((r) => r.backend === 'balie_meeting').at(-1)?.instance;
    assert.ok(holder, 'HAProxy logged the meeting requests');
    const holderIndex = Number(holder.slice(1));
    const [citizenBefore, staffBefore] = [await connectionsMade(citizen), await connectionsMade(staff)];

    // Nobody presses admit again: watch for the prompt the whole time the call recovers.
    let prompted = false;
    let watching = true;
    const admitPrompt = staff.getByRole('button', { name: /binnenlaten/ });
    const watcher = (async () => {
      while (watching) {
        if ((await admitPrompt.count().catch(() => 0)) > 0) prompted = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const killedAt = Date.now();
    await cluster.kill(holderIndex, 'SIGKILL');
    try {
      // New peer connections (the old ones belonged to the dead instance's peer ids), then moving pictures.
      await eventually(async () => (await connectedSince(citizen, citizenBefore)) > 0 && (await connectedSince(staff, staffBefore)) > 0, 'new connections on both sides', 40_000);
      await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
      await Promise.all([framesAdvance(citizen), framesAdvance(staff)]);
    } finally {
      watching = false;
      await watcher;
    }
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs < 40_000, `pictures back after ${tookMs} ms`);
    assert.equal(prompted, false, 'the civil servant was asked to admit the citizen again');
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor({ timeout: 1_000 });

    // The meeting moved as a whole to one surviving instance (its old sockets are logged as they close).
    const answered = requests(cluster).filter((r) => r.backend === 'balie_meeting' && r.acceptedAt > killedAt && r.status < 500);
    const survivors = new Set(answered.map((r) => r.instance));
    assert.ok(!survivors.has(holder), `the dead ${holder} still answered: ${[...survivors].join(', ')}`);
    assert.equal(survivors.size, 1, `the meeting continued on ${[...survivors].join(', ')}`);
    console.log(`pictures back ${tookMs} ms after kill -9 of ${holder}; the meeting moved to ${[...survivors].join(', ')}`);
  });
});
