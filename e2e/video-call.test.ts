import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom, startCallAsStaff, type DeviceExpectation } from '../test-support/call-journey.ts';
import { heardLevel } from '../test-support/call-media.ts';
import { startCoturn } from '../test-support/coturn.ts';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { signIn, staffEmail } from '../test-support/staff.ts';
import { api, startTestServer, testClock } from '../test-support/server.ts';
import { expectAnnounced, recordAnnouncements } from './a11y-support.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
const TURN_SECRET = 'coturn-secret-for-the-call-tests';

type Journey = Awaited<ReturnType<typeof startJourney>>;

/** Keeps every RTCPeerConnection the page makes in `window.__pcs`, for the test to inspect. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const made = [];
  window.__pcs = made;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); made.push(this); }
  };
})();`;

/**
 * Books the call, brings the citizen into the waiting room and the civil servant into the call, and
 * admits her; the citizen's page records its RTCPeerConnections (`window.__pcs`).
 */
async function admittedPair(journey: Journey, expect: DeviceExpectation = {}) {
  const base = journey.server.url;
  const { citizenToken } = await bookCall(journey);
  const [citizen, staff] = [await journey.page(), await journey.page()];
  await citizen.addInitScript({ content: RECORD_PEER_CONNECTIONS });
  await enterWaitingRoom(citizen, base, citizenToken, expect);
  await startCallAsStaff(staff, base);
  await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
  return { citizen, staff };
}

/** Books Monday 09:00 with An, with an interpreter as companion; returns both personal links. */
async function bookCall(journey: Journey) {
  const server = journey.server;
  const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
  const { token, id } = await book(
    server,
    { start, channel: 'video', locationId: null },
    { companion: { name: 'Saïd Tolk', email: 'tolk@example.org', role: 'interpreter' } },
  );
  const invite = (await sentMails(server)).find((m) => m.to === 'tolk@example.org')!;
  server.clock.set(JUST_BEFORE);
  return { id, citizenToken: token, companionToken: linkToken(invite.text) };
}

/** The citizen adds a family member from the manage view's API; returns that person's personal link. */
async function addFamilyMember(journey: Journey, citizenToken: string) {
  const added = await api(journey.server.url, '/api/appointment/companions', {
    token: citizenToken,
    body: { name: 'Jan Claes', email: 'jan@example.org', role: 'family' },
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const invite = (await sentMails(journey.server)).find((m) => m.to === 'jan@example.org')!;
  return linkToken(invite.text);
}

/** Polls `check` until it is true; fails with `what` after the timeout. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}


/** Resolves when `count` remote videos on the page show decoded frames (a real picture arrived). */
async function remoteFrames(page: Page, count: number) {
  // Locators pierce shadow roots; the page's strict CSP forbids evaluating strings.
  const videos = page.locator('video[data-peer]:not([data-peer="self"])');
  await eventually(
    async () =>
      (await videos.evaluateAll((list) =>
        list.filter((v) => (v as HTMLVideoElement).videoWidth > 0 && (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0).length,
      )) >= count,
    `${count} remote video(s) with frames`,
  ).catch(async (error) => {
    const seen = await videos.evaluateAll((list) =>
      list.map((v) => `${v.getAttribute('data-peer')?.slice(0, 6)}:${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames}`),
    );
    throw new Error(`${(error as Error).message} on ${page.url().slice(-30)}: ${seen.join(' ') || 'no remote video'}`);
  });
}

describe('video call: citizen, family member, interpreter and civil servant', () => {
  let journey: Journey;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('waits, is admitted and sees and hears each other peer to peer; chat arrives; the end shows next steps and feedback', async () => {
    const base = journey.server.url;
    const { id: appointmentId, citizenToken, companionToken } = await bookCall(journey);
    const familyToken = await addFamilyMember(journey, citizenToken);
    const [citizen, companion, family, staff] = [await journey.page(), await journey.page(), await journey.page(), await journey.page()];

    // The test watches the citizen's connections (an init script runs before the page's CSP applies).
    await citizen.addInitScript({ content: RECORD_PEER_CONNECTIONS });
    await enterWaitingRoom(citizen, base, citizenToken);
    await enterWaitingRoom(companion, base, companionToken);
    await enterWaitingRoom(family, base, familyToken);
    await startCallAsStaff(staff, base);

    // Staff see all three in the waiting room and let them in with one click.
    await staff.getByRole('button', { name: 'Iedereen binnenlaten' }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();

    // A full mesh of four: everybody receives real video frames from the three others.
    await Promise.all([remoteFrames(citizen, 3), remoteFrames(companion, 3), remoteFrames(family, 3), remoteFrames(staff, 3)]);
    // Names with roles: the interpreter shows as one.
    await citizen.getByRole('listitem').filter({ hasText: 'Saïd Tolk (Tolk)' }).waitFor();
    await staff.getByRole('listitem').filter({ hasText: 'Jan Claes (Familielid)' }).waitFor();

    // The family member leaves; the call goes on for the other three, with pictures still arriving.
    await family.getByRole('button', { name: 'Gesprek verlaten' }).click();
    await eventually(async () => (await citizen.getByRole('listitem').filter({ hasText: 'Jan Claes' }).count()) === 0, 'Jan gone from the list');
    const framesOf = (page: Page) =>
      page.locator('video[data-peer]:not([data-peer="self"])').evaluateAll((list) => list.map((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames));
    assert.equal((await framesOf(citizen)).length, 2, 'two remote tiles left at the citizen');
    const before = await framesOf(staff);
    await eventually(async () => (await framesOf(staff)).every((n, i) => n > before[i]! + 10), 'frames still arriving at the civil servant');

    // A network change (the browser fires "online") restarts ICE on each of the citizen's connections:
    // new ICE credentials on both ends of each, the citizen is told, and the pictures keep coming.
    const ufrags = () =>
      citizen.evaluate(() =>
        ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs ?? [])
          .filter((pc) => pc.connectionState === 'connected')
          .map((pc) => [/a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1] ?? '', /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1] ?? '']),
      );
    const oldUfrags = await ufrags();
    assert.equal(oldUfrags.length, 2, 'two connections at the citizen');
    await recordAnnouncements(citizen);
    await citizen.evaluate(() => window.dispatchEvent(new Event('online')));
    await eventually(async () => {
      // ICE ufrags are letters, digits, + and /: compared whole, never split.
      const now = await ufrags();
      const old = new Set(oldUfrags.flat());
      return now.length === 2 && now.every(([local, remote]) => local && remote && !old.has(local) && !old.has(remote));
    }, 'new ICE credentials on both connections').catch(async (error) => {
      throw new Error(`${(error as Error).message}: before ${JSON.stringify(oldUfrags)}, now ${JSON.stringify(await ufrags())}`);
    });
    await expectAnnounced(citizen, 'Uw netwerk veranderde.');
    const afterRestart = await framesOf(citizen);
    await eventually(async () => (await framesOf(citizen)).every((n, i) => n > afterRestart[i]! + 10), 'frames after the ICE restart');

    // Chat over the data channel, links made clickable and safe.
    await citizen.getByLabel('Bericht').fill('Hier is de foto: https://example.org/foto');
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    const link = staff.getByRole('link', { name: 'https://example.org/foto' });
    await link.waitFor();
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    // What others write is read out with the writer's name; one's own words are not read back.
    await staff.getByLabel('Bericht').fill('Goed ontvangen, dank u.');
    await staff.getByRole('button', { name: 'Versturen' }).click();
    await expectAnnounced(citizen, /: Goed ontvangen, dank u\.$/);
    const heard = await citizen.evaluate(() => (window as unknown as { announced: string[] }).announced);
    assert.ok(!heard.some((line) => line.includes('Hier is de foto')), `own message read back: ${heard.join(' | ')}`);

    // A reload (or a lost network) brings the citizen back: admission belongs to the person, so no
    // second admission is needed, and the pictures flow again.
    await citizen.reload();
    await citizen.getByRole('button', { name: 'Naar het videogesprek' }).click();
    await citizen.getByRole('button', { name: 'Beginnen' }).click();
    await citizen.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
    await citizen.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await remoteFrames(citizen, 2);

    // Screen sharing swaps the staff's camera track (640×480, 4:3) for the screen (1280×720, 16:9) at
    // the citizen. Shape, not size: a busy machine makes WebRTC send fewer pixels, never another shape.
    const staffTile = citizen.locator('figure.tile', { hasText: 'Medewerker' }).locator('video');
    const staffShape = () => staffTile.evaluate((v) => ((v as HTMLVideoElement).videoWidth / (v as HTMLVideoElement).videoHeight).toFixed(2));
    await staff.getByRole('button', { name: 'Scherm delen' }).click();
    await eventually(async () => (await staffShape()) === (16 / 9).toFixed(2), 'the shared screen at the citizen');
    assert.equal(await staff.getByRole('button', { name: 'Scherm delen' }).getAttribute('aria-pressed'), 'true');
    await staff.getByRole('button', { name: 'Scherm delen' }).click();
    await eventually(async () => (await staffShape()) === (4 / 3).toFixed(2), 'the camera back at the citizen');

    // Mute is a pressed toggle, and the civil servant hears it: the citizen's audio level drops to silence.
    const citizenTile = staff.locator('figure.tile', { hasText: 'Marie Claes' }).locator('video');
    const loudness = () => citizenTile.evaluate(heardLevel);
    assert.ok((await loudness()) > 0.02, 'the citizen is heard before muting');
    await citizen.getByRole('button', { name: 'Microfoon uit' }).click();
    assert.equal(await citizen.getByRole('button', { name: 'Microfoon uit' }).getAttribute('aria-pressed'), 'true');
    await eventually(async () => (await loudness()) < 0.01, 'silence after muting');

    // A colleague plans a follow-up from the dossier during the call (a week later, by video).
    const next = (await offeredStarts(journey.server, 'channel=video&from=2027-03-08&days=1'))[0]!;
    const colleague = await signIn(journey.server, staffEmail.chloe);
    const planned = await colleague.request(`/api/staff/appointments/${appointmentId}/follow-up`, { body: { start: next, channel: 'video', locationId: null } });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));

    // Staff end the call with next steps; the citizen sees them, the follow-up, and can give feedback.
    await staff.getByLabel('Volgende stappen voor de burger').fill('Stuur het attest van de huisarts.');
    await staff.getByRole('button', { name: 'Gesprek beëindigen' }).click();
    await citizen.getByRole('heading', { name: 'Het gesprek is afgelopen' }).waitFor();
    await citizen.getByText('Stuur het attest van de huisarts.').waitFor();
    await citizen.getByRole('heading', { name: 'Uw volgende afspraak' }).waitFor();
    const followUp = citizen.locator('dl.follow-up');
    assert.match(await followUp.innerText(), /Mantelzorgpremie[\s\S]*maandag 8 maart 2027 om 09:00[\s\S]*Videogesprek van thuis uit/);
    await citizen.getByText('U krijgt er een e-mail over met uw persoonlijke link.').waitFor();
    await citizen.getByRole('radio', { name: '5 – heel goed' }).check();
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByText('Bedankt voor uw mening!').waitFor();
    const feedback = (await journey.server.app.db.q.selectFrom('feedback').select('score').execute()).map((f) => f.score);
    assert.deepEqual(feedback, [5]);
    // The score shows in the impact dashboard the civil servant reads.
    const dashboard = await staff.evaluate(() => fetch('/api/staff/dashboard?from=2027-03-01&to=2027-03-31').then((r) => r.json()));
    assert.equal(dashboard.satisfaction?.average, 5);
    assert.equal(dashboard.satisfaction?.distribution['5'], 1);
  });
});

describe('a server restart during a call', () => {
  let journey: Journey;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('both pages join again by themselves, nobody waits to be admitted again, and the pictures come back', async () => {
    const first = journey.server;
    const { citizen, staff } = await admittedPair(journey);
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    // Remote tiles are named by the other side's peer id; a rejoin brings new ones.
    const tiles = (page: Page) => page.locator('video[data-peer]:not([data-peer="self"])');
    const peersBefore = { citizen: await tiles(citizen).evaluateAll((list) => list.map((v) => v.getAttribute('data-peer'))), staff: await tiles(staff).evaluateAll((list) => list.map((v) => v.getAttribute('data-peer'))) };
    const freshPictures = (page: Page, old: (string | null)[]) =>
      eventually(
        async () =>
          (await tiles(page).evaluateAll(
            (list, seen) =>
              list.filter((v) => !seen.includes(v.getAttribute('data-peer')) && (v as HTMLVideoElement).videoWidth > 0 && (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0).length,
            old,
          )) > 0,
        'pictures over a new connection',
      );

    // The server goes down (a deploy): both pages lose signalling and say they are connecting (the
    // console also through its live region, for a civil servant using a screen reader).
    await first.stop();
    await Promise.all([citizen.getByText('Verbinden…').first().waitFor(), staff.getByRole('status').filter({ hasText: /^Verbinden…$/ }).waitFor()]);
    const again = await startTestServer({ clock: testClock(JUST_BEFORE), dataDir: first.dataDir, port: Number(new URL(first.url).port) });
    try {
      // Back in the call on both sides, without a second admission, with new connections and pictures.
      await Promise.all([freshPictures(citizen, peersBefore.citizen), freshPictures(staff, peersBefore.staff)]);
      await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
      assert.equal(await staff.getByRole('button', { name: /binnenlaten/ }).count(), 0, 'nobody in the waiting room');
    } finally {
      await again.stop();
    }
  });
});

/**
 * A journey whose server hands out TURN credentials signed with `serverSecret` for a coturn that
 * knows TURN_SECRET, relay only; returns the citizen and civil servant pages with the call admitted.
 */
function relayOnlyCall(serverSecret: string) {
  let journey: Journey;
  let coturn: Awaited<ReturnType<typeof startCoturn>>;
  before(async () => {
    coturn = await startCoturn(TURN_SECRET);
    journey = await startJourney({
      clock: testClock(SUNDAY),
      env: { TURN_URLS: coturn.url, TURN_SECRET: serverSecret, TURN_RELAY_ONLY: 'true' },
    });
  });
  after(async () => {
    await journey.close();
    await coturn.stop();
  });
  // A relay that refuses the credentials is what the device test's network part catches beforehand.
  return () => admittedPair(journey, { relayRefused: serverSecret !== TURN_SECRET });
}

describe('video call relayed through coturn', () => {
  const admitted = relayOnlyCall(TURN_SECRET);

  it('connects with relay-only ICE through TURN and frames arrive', async () => {
    const { citizen, staff } = await admitted();
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    // The connection quality indicator reads getStats(): the selected candidate pair is a relay.
    await citizen.locator('[data-relayed="true"]').waitFor({ timeout: 20_000 });
  });
});

describe('video call with a wrong TURN secret', () => {
  const admitted = relayOnlyCall('not-the-secret-coturn-knows');

  it('shows the friendly connection message instead of hanging', async () => {
    const { citizen } = await admitted();
    await citizen.getByRole('alert').filter({ hasText: 'De verbinding lukt niet' }).waitFor({ timeout: 30_000 });
    // Tracks are announced by the offer, but no media ever flows through a relay that refused us:
    // no candidate pair succeeded and not one RTP byte came in. (A frame count is not proof: Chromium
    // may paint one placeholder frame for a remote track that never received anything.)
    const received = await citizen.evaluate(async () => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs ?? [];
      const seen = { connections: pcs.length, pairsSucceeded: 0, rtpBytes: 0 };
      for (const pc of pcs) {
        for (const report of (await pc.getStats()).values()) {
          if (report.type === 'candidate-pair' && report.state === 'succeeded') seen.pairsSucceeded++;
          if (report.type === 'inbound-rtp') seen.rtpBytes += report.bytesReceived ?? 0;
        }
      }
      return seen;
    });
    assert.ok(received.connections >= 1, 'the citizen tried to connect');
    assert.deepEqual({ pairsSucceeded: received.pairsSucceeded, rtpBytes: received.rtpBytes }, { pairsSucceeded: 0, rtpBytes: 0 });
    assert.equal(await citizen.locator('[data-relayed="true"]').count(), 0);
  });
});
