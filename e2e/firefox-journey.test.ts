import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book, offeredStarts } from '../test-support/booking.ts';
import { checkDevicesAndWait, enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { reportEngine } from '../test-support/browser-report.ts';
import { startCoturn } from '../test-support/coturn.ts';
import { framesAdvance, heardLevel, RECORD_PEER_CONNECTIONS, receivedVideoCodec, remoteFrames } from '../test-support/call-media.ts';
import { firstSlot, testClock } from '../test-support/server.ts';
import { eventually, pdfBytes, recordBalieEvents, recordedEvents, sha256, shownUploads, tempFiles } from '../test-support/uploads.ts';
import type { Page } from 'playwright-core';
import { bookOnDemoSite, openMail, startJourney } from './support.ts';

/** Adds a line to the README's supported-browsers table for the engine `page` runs in. */
const report = (page: Page, entry: { works?: string; limit?: string }) => {
  const browser = page.context().browser()!;
  const engine = browser.browserType().name();
  reportEngine(engine, engine === 'firefox' ? 'Firefox ESR' : 'Chromium', browser.version(), entry);
};

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';

/** Keeps every Blob the page turns into a URL (the widget's downloads) in `window.__downloads`. */
const RECORD_DOWNLOADS = `(() => {
  const native = URL.createObjectURL;
  window.__downloads = [];
  URL.createObjectURL = (blob) => { window.__downloads.push(blob); return native.call(URL, blob); };
})();`;

/**
 * Makes a page's connections prefer H.264 for video, as Safari's do, where the engine has it: the
 * codec list of every video transceiver is reordered before each offer or answer. `window.__h264`
 * tells whether it could. The widget sets no codec preferences itself: every engine pair then finds a
 * codec both sides have in the offer/answer exchange, and this shows that still holds when one side
 * puts H.264 first.
 */
const PREFER_H264 = `(() => {
  window.__h264 = 'unused';
  const prefer = (pc) => {
    const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
    const h264 = codecs.filter((c) => c.mimeType.toLowerCase() === 'video/h264');
    window.__h264 = h264.length ? 'preferred' : 'none';
    if (!h264.length) return;
    const rest = codecs.filter((c) => !h264.includes(c));
    for (const t of pc.getTransceivers()) if (t.receiver.track.kind === 'video') t.setCodecPreferences([...h264, ...rest]);
  };
  for (const name of ['createOffer', 'createAnswer', 'setLocalDescription']) {
    const native = RTCPeerConnection.prototype[name];
    RTCPeerConnection.prototype[name] = function (...args) { prefer(this); return native.apply(this, args); };
  }
})();`;

/** The video codecs the page's engine can receive, as getCapabilities() names them. */
const videoCodecs = (page: Page) => page.evaluate(() => [...new Set(RTCRtpReceiver.getCapabilities('video')?.codecs.map((c) => c.mimeType) ?? [])]);

/**
 * The citizen's whole journey in Firefox (Debian's firefox-esr over WebDriver BiDi), with the civil
 * servant on Chromium: the cross-engine call most municipal PCs make. Run once, not per test file.
 */
describe('Firefox: the citizen journey, with a civil servant on Chromium', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  const files = tempFiles();
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(async () => {
    await journey.close();
    files.remove();
  });

  it('books every step, and from the mailed link reschedules, adds and removes a companion and cancels', async () => {
    const page = await journey.page('firefox');
    const base = journey.server.url;
    await bookOnDemoSite(page, base);
    const mail = await openMail(page, base, 'Uw afspraak is bevestigd');
    await mail.locator('a[href*="balie="]').first().click();
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();

    await page.getByRole('button', { name: 'Ander tijdstip kiezen' }).click();
    const slot = page.getByRole('radio', { name: / om \d\d:\d\d$/ }).nth(1);
    const time = (await slot.getAttribute('aria-label'))!.split(' om ')[1]!;
    await slot.check();
    await page.getByRole('button', { name: /^Verplaatsen naar / }).click();
    await page.getByRole('paragraph').filter({ hasText: /Uw afspraak is verplaatst naar/ }).waitFor();
    await page.getByText(new RegExp(time)).first().waitFor();

    await page.getByRole('button', { name: 'Iemand toevoegen' }).click();
    await page.getByLabel('Naam van de persoon die meekomt').fill('Jan Claes');
    await page.getByLabel('E-mailadres van de persoon die meekomt').fill('jan@example.org');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Jan Claes' }).waitFor();
    await page.getByRole('button', { name: 'Jan Claes verwijderen' }).click();
    await page.getByText('Er komt niemand mee.').waitFor();

    await page.getByRole('button', { name: 'Afspraak annuleren' }).click();
    await page.getByRole('button', { name: 'Ja, annuleren' }).click();
    await page.getByRole('paragraph').filter({ hasText: 'Uw afspraak is geannuleerd.' }).waitFor();
    await openMail(page, base, 'Uw afspraak is geannuleerd');
    report(page, { works: 'booking (every step), manage view (reschedule, companions, cancel)' });
  });

  it('checks the devices, waits, and in the call sees and hears the civil servant on Chromium; chat, mute, camera, documents both ways, the end screen and the survey', async () => {
    const { server } = journey;
    const base = server.url;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);
    const [citizen, staff] = [await journey.page('firefox'), await journey.page()];
    await citizen.addInitScript({ content: RECORD_PEER_CONNECTIONS });
    await staff.addInitScript({ content: RECORD_PEER_CONNECTIONS });
    // The civil servant's Chromium puts H.264 first, as a citizen's Safari would.
    await staff.addInitScript({ content: PREFER_H264 });
    await recordBalieEvents(citizen);
    await citizen.addInitScript({ content: RECORD_DOWNLOADS });
    // The citizen's Firefox is the one of a phone: Firefox for Android (like Safari on iOS) has no
    // getDisplayMedia, so the call says screen sharing is not possible instead of hiding it.
    await citizen.addInitScript({ content: "if (window.MediaDevices) delete MediaDevices.prototype.getDisplayMedia;" });

    // Firefox's fake camera (a picture changing colour) and microphone (a tone) pass the device check.
    await citizen.goto(`${base}/?balie=${token}`);
    await checkDevicesAndWait(citizen);
    await startCallAsStaff(staff, base);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();

    // Both see each other: frames decoded and advancing on both sides.
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    await Promise.all([framesAdvance(citizen), framesAdvance(staff)]);
    // Both hear each other: the remote audio has energy on both sides.
    const staffTile = citizen.locator('video[data-peer]:not([data-peer="self"])').first();
    const citizenTile = staff.locator('figure.tile', { hasText: 'Marie Claes' }).locator('video');
    // Firefox blocks autoplay with sound without a click on the page: the citizen's clicks in the
    // device check count, so the remote video plays, unmuted, inline.
    assert.deepEqual(await staffTile.evaluate((v) => [(v as HTMLVideoElement).paused, (v as HTMLVideoElement).muted, v.hasAttribute('playsinline')]), [false, false, true]);
    assert.ok((await staffTile.evaluate(heardLevel)) > 0.02, 'the citizen (Firefox) hears the civil servant');
    assert.ok((await citizenTile.evaluate(heardLevel)) > 0.02, 'the civil servant (Chromium) hears the citizen');
    // H.264 against VP8: Chromium (Debian's 156) offers H.264 and put it first; Debian's Firefox ESR 153
    // has none (its WebRTC H.264 is the OpenH264 plugin Firefox downloads on first use; the test
    // profile fetches nothing, as a locked-down municipal PC may not). The call still settles, each
    // way, on a codec both engines decode (read from getStats()), and pictures advance (above).
    assert.equal(await staff.evaluate(() => (window as unknown as { __h264: string }).__h264), 'preferred', 'Chromium offers H.264 first');
    const [firefoxCodecs, chromiumCodecs] = [await videoCodecs(citizen), await videoCodecs(staff)];
    const firefoxH264 = firefoxCodecs.some((c) => /^video\/h264$/i.test(c));
    const codecs = [await receivedVideoCodec(citizen), await receivedVideoCodec(staff)];
    for (const codec of codecs) {
      assert.ok(firefoxCodecs.includes(codec) && chromiumCodecs.includes(codec), `${codec} is decoded by both: Firefox ${firefoxCodecs.join(' ')}; Chromium ${chromiumCodecs.join(' ')}`);
      assert.equal(/^video\/h264$/i.test(codec), firefoxH264, `H.264 exactly when Firefox has it, here ${codecs.join(', ')}`);
    }
    if (!firefoxH264) report(citizen, { limit: `no H.264 in WebRTC (no OpenH264 plugin on Debian): with a side that prefers H.264, as Safari does, the call settles on ${[...new Set(codecs)].join(' / ')}` });

    await citizen.getByText('Scherm delen kan niet in deze browser (op een telefoon of tablet gaat het niet).').waitFor();
    assert.equal(await citizen.getByRole('button', { name: 'Scherm delen' }).count(), 0);
    await staff.getByRole('button', { name: 'Scherm delen' }).waitFor();
    report(citizen, { limit: 'no screen sharing where getDisplayMedia is missing (Firefox for Android; emulated here): the call says so' });

    // No Network Information API in Firefox (nor Safari): the call hears of a network change through
    // the `online` event and the ICE state (call/peer-mesh.ts), never through navigator.connection.
    assert.equal(await citizen.evaluate(() => 'connection' in navigator), false);
    report(citizen, { limit: 'no Network Information API: network changes are noticed by the online event and the ICE state' });

    // Chat both ways.
    await citizen.getByLabel('Bericht').fill('Hallo vanuit Firefox');
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await staff.getByRole('listitem').filter({ hasText: 'Hallo vanuit Firefox' }).waitFor();
    await staff.getByLabel('Bericht').fill('Goed ontvangen in Chromium');
    await staff.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByRole('listitem').filter({ hasText: 'Goed ontvangen in Chromium' }).waitFor();

    // Mute: the civil servant hears silence; unmute: the tone is back.
    await citizen.getByRole('button', { name: 'Microfoon uit' }).click();
    await eventually(async () => (await citizenTile.evaluate(heardLevel)) < 0.01, 'silence after muting');
    await citizen.getByRole('button', { name: 'Microfoon uit' }).click();
    await eventually(async () => (await citizenTile.evaluate(heardLevel)) > 0.02, 'sound after unmuting');
    // Camera off is shown on the citizen's own tile and is a pressed toggle.
    await citizen.getByRole('button', { name: 'Camera uit' }).click();
    assert.equal(await citizen.getByRole('button', { name: 'Camera uit' }).getAttribute('aria-pressed'), 'true');
    await citizen.getByRole('button', { name: 'Camera uit' }).click();

    // A document from Firefox to the civil servant, and one back.
    const scan = pdfBytes(2 * 1024 * 1024);
    await citizen.locator('balie-call-view balie-documents-panel #file-input').setInputFiles(files.write('attest.pdf', scan));
    await staff.locator('balie-call-view balie-documents-panel li[data-document]', { hasText: 'attest.pdf' }).waitFor({ timeout: 30_000 });
    assert.equal((await recordedEvents(citizen, 'balie-upload-completed'))[0]?.sha256, sha256(scan));
    const letter = pdfBytes(300_000);
    await staff.locator('balie-call-view balie-documents-panel #file-input').setInputFiles(files.write('beslissing.pdf', letter));
    await citizen.locator('balie-call-view balie-documents-panel li[data-document]', { hasText: 'beslissing.pdf' }).waitFor({ timeout: 15_000 });
    // Playwright's download event does not reach us from Firefox ESR over BiDi: the test reads the
    // bytes the widget hands to the download link instead (the saving itself is the browser's).
    await citizen.getByRole('button', { name: 'beslissing.pdf downloaden' }).click();
    await eventually(async () => (await citizen.evaluate(() => (window as unknown as { __downloads: Blob[] }).__downloads.length)) > 0, 'the download');
    const downloaded = await citizen.evaluate(async () => {
      const digest = await crypto.subtle.digest('SHA-256', await (window as unknown as { __downloads: Blob[] }).__downloads[0]!.arrayBuffer());
      return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    });
    assert.equal(downloaded, sha256(letter));

    // The end: next steps, then the survey.
    await staff.getByLabel('Volgende stappen voor de burger').fill('Stuur het attest van de huisarts.');
    await staff.getByRole('button', { name: 'Gesprek beëindigen' }).click();
    await citizen.getByRole('heading', { name: 'Het gesprek is afgelopen' }).waitFor();
    await citizen.getByText('Stuur het attest van de huisarts.').waitFor();
    await citizen.getByRole('radio', { name: '5 – heel goed' }).check();
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByText('Bedankt voor uw mening!').waitFor();
    assert.deepEqual((await server.app.db.q.selectFrom('feedback').select('score').execute()).map((f) => f.score), [5]);
    report(citizen, { works: 'device check, waiting room, call with Chromium (video and audio both ways), chat, mute, camera off, documents both ways, end screen, survey' });
    report(staff, { works: 'call with Firefox (video and audio both ways)' });
  });
});

describe('Firefox: an upload resumes after a reload', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  const files = tempFiles();
  before(async () => {
    journey = await startJourney();
  });
  after(async () => {
    await journey.close();
    files.remove();
  });

  it('goes on from where the server stopped, from the file kept in IndexedDB, and ends byte-identical', async () => {
    const { server } = journey;
    const { token } = await book(server, await firstSlot(server.url));
    const bytes = pdfBytes(12 * 1024 * 1024);
    const page = await journey.page('firefox');
    await recordBalieEvents(page);
    // Chromium's tests throttle the network through DevTools, which Firefox does not speak: here the
    // second chunk (5 MB each) is held back instead, so the reload comes after the first one landed.
    const offsets: number[] = [];
    let creations = 0;
    await page.route('**/files/**', async (route) => {
      const request = route.request();
      if (request.method() !== 'PATCH') return route.continue();
      const offset = Number(request.headers()['upload-offset']);
      offsets.push(offset);
      if (offset > 0 && offsets.filter((o) => o > 0).length === 1) return; // never answered: the reload cuts it
      return route.continue();
    });
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/files') creations++;
    });
    await page.goto(`${server.url}/?balie=${token}`);
    await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
    await page.locator('balie-documents-panel #file-input').setInputFiles(files.write('huurcontract.pdf', bytes));
    await eventually(() => offsets.some((offset) => offset > 0), 'the second chunk');
    assert.ok((await shownUploads(page))[0]!.percent > 0, 'the first chunk is shown as sent');

    await page.reload();
    await page.locator('balie-documents-panel li[data-document]', { hasText: 'huurcontract.pdf' }).waitFor({ timeout: 30_000 });
    assert.equal(creations, 1, 'resumed the same upload, not a new one');
    assert.ok(offsets.filter((o) => o > 0).length >= 2 && offsets.at(-1)! > 0, `resumed at an offset, not from 0: ${offsets.join(', ')}`);
    const [completed] = await recordedEvents(page, 'balie-upload-completed');
    assert.equal(completed.sha256, sha256(bytes));
    report(page, { works: 'upload resumed after a reload (IndexedDB)' });
  });
});

describe('Firefox: storage blocked for the site (cookies off, some private windows)', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  const files = tempFiles();
  before(async () => {
    journey = await startJourney();
  });
  after(async () => {
    await journey.close();
    files.remove();
  });

  it('still uploads a document, only without resuming after a reload', async () => {
    const { server } = journey;
    const { token } = await book(server, await firstSlot(server.url));
    const page = await journey.page('firefox');
    // What Firefox does when the site may not store anything: indexedDB.open throws a SecurityError
    // synchronously ("The operation is insecure"), it does not fail its request later.
    await page.addInitScript({
      content: `IDBFactory.prototype.open = function () { throw new DOMException('The operation is insecure.', 'SecurityError'); };`,
    });
    await recordBalieEvents(page);
    await page.goto(`${server.url}/?balie=${token}`);
    await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
    const bytes = pdfBytes(200_000);
    await page.locator('balie-documents-panel #file-input').setInputFiles(files.write('attest.pdf', bytes));
    await page.locator('balie-documents-panel li[data-document]', { hasText: 'attest.pdf' }).waitFor({ timeout: 30_000 });
    assert.equal((await recordedEvents(page, 'balie-upload-completed'))[0]?.sha256, sha256(bytes));
    report(page, { works: 'uploads with storage blocked (no resume then)' });
  });
});

describe('Firefox: a relay-only call through coturn with a civil servant on Chromium', () => {
  const TURN_SECRET = 'coturn-secret-for-the-firefox-call';
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let coturn: Awaited<ReturnType<typeof startCoturn>>;
  before(async () => {
    coturn = await startCoturn(TURN_SECRET);
    journey = await startJourney({ clock: testClock(SUNDAY), env: { TURN_URLS: coturn.url, TURN_SECRET, TURN_RELAY_ONLY: 'true' } });
  });
  after(async () => {
    await journey.close();
    await coturn.stop();
  });

  it('connects through TURN only; pictures and sound arrive both ways', async () => {
    const { server } = journey;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);
    const [citizen, staff] = [await journey.page('firefox'), await journey.page()];
    await enterWaitingRoom(citizen, server.url, token);
    await startCallAsStaff(staff, server.url);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await Promise.all([remoteFrames(citizen, 1), remoteFrames(staff, 1)]);
    await Promise.all([framesAdvance(citizen), framesAdvance(staff)]);
    const citizenTile = staff.locator('figure.tile', { hasText: 'Marie Claes' }).locator('video');
    assert.ok((await citizenTile.evaluate(heardLevel)) > 0.02, 'the civil servant hears the citizen through the relay');
    // Both ends read getStats(): the selected candidate pair is a relay.
    await Promise.all([citizen.locator('[data-relayed="true"]').waitFor({ timeout: 20_000 }), staff.locator('[data-relayed="true"]').waitFor({ timeout: 20_000 })]);
    report(citizen, { works: 'relay-only call through TURN (coturn) with Chromium' });
  });
});
