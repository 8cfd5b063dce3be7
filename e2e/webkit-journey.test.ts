import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { book, offeredStarts } from '../test-support/booking.ts';
import { reportEngine } from '../test-support/browser-report.ts';
import { startTestServer, testClock, type TestServer } from '../test-support/server.ts';
import { pdfBytes, sha256, tempFiles } from '../test-support/uploads.ts';
import { launchWebKit, webkitPage, type WebKit } from '../test-support/webkit.ts';
import type { WebElement } from 'selenium-webdriver';

/**
 * The citizen journey in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb): the
 * engine of Safari on an iPhone, where many citizens open the mailed link.
 */
/** The label of the second time offered (the first is the booked one's neighbour), across shadow roots. */
const FIND_SECOND_SLOT = `
const all = [];
const walk = (root) => { for (const el of root.querySelectorAll('*')) { all.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
walk(document);
return all.filter((el) => el.tagName === 'INPUT' && el.type === 'radio' && / om \\d\\d:\\d\\d$/.test(el.getAttribute('aria-label') || ''))[1].getAttribute('aria-label');
`;

/** The documents panel's file input, inside the widget's shadow roots. */
const FIND_FILE_INPUT = `
const walk = (root) => { for (const el of root.querySelectorAll('*')) { if (el.id === 'file-input' && el.type === 'file') return el; if (el.shadowRoot) { const found = walk(el.shadowRoot); if (found) return found; } } return null; };
return walk(document);
`;

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';

describe('WebKit: the citizen journey', () => {
  const files = tempFiles();
  const report = (entry: { works?: string; limit?: string }) => reportEngine('webkit', 'WebKitGTK MiniBrowser', webkit.version, entry);
  let server: TestServer;
  let webkit: WebKit;
  before(async () => {
    [server, webkit] = await Promise.all([startTestServer({ clock: testClock(SUNDAY) }), launchWebKit()]);
  });
  after(async () => {
    await webkit?.close();
    await server?.cleanup();
    files.remove();
  });

  it('books every step on the demo site, and from the mailed link reschedules, adds and removes a companion and cancels', async () => {
    const page = webkitPage(webkit.driver);
    const base = server.url;
    await page.goto(`${base}/`);
    await page.click('button', 'Mantelzorgpremie');
    await page.check(/Videogesprek/);
    await page.click('button', 'Verder');
    const slot = await page.waitFor('choice', / om \d\d:\d\d$/);
    const slotLabel = (await slot.getAttribute('aria-label'))!;
    await page.check(slotLabel);
    await page.click('button', 'Verder');
    await page.fill('Voor- en achternaam', 'Marie Claes');
    await page.fill('E-mailadres', 'marie@example.org');
    await page.fill('Voor wie zorgt u?', 'Mijn ouders');
    await page.click('button', 'Verder');
    await page.check(/toestemming/);
    await page.click('button', 'Afspraak bevestigen');
    await page.waitFor('heading', 'Uw afspraak is bevestigd');

    const mail = (await sentMails(server)).find((m) => m.to === 'marie@example.org')!;
    await page.goto(`${base}/?balie=${linkToken(mail.text)}`);
    await page.waitFor('heading', 'Uw afspraak');
    await page.waitFor('text', new RegExp(slotLabel.split(' om ')[1]!));

    await page.click('button', 'Ander tijdstip kiezen');
    await page.waitFor('choice', / om \d\d:\d\d$/);
    const other = await webkit.driver.executeScript<string>(FIND_SECOND_SLOT);
    await page.check(other);
    await page.click('button', /^Verplaatsen naar /);
    await page.waitFor('text', /Uw afspraak is verplaatst naar/);

    await page.click('button', 'Iemand toevoegen');
    await page.fill('Naam van de persoon die meekomt', 'Jan Claes');
    await page.fill('E-mailadres van de persoon die meekomt', 'jan@example.org');
    await page.click('button', 'Opslaan');
    await page.waitFor('text', 'Jan Claes is toegevoegd en krijgt een e-mail met een eigen link.');
    await page.click('button', 'Jan Claes verwijderen');
    await page.waitFor('text', 'Er komt niemand mee.');

    // A document ahead of the appointment, through the panel's file input.
    const bytes = pdfBytes(300_000);
    const input = await webkit.driver.executeScript<WebElement>(FIND_FILE_INPUT);
    await input.sendKeys(files.write('loonfiche.pdf', bytes));
    await page.waitFor('button', 'loonfiche.pdf downloaden', 30_000);
    const stored = (await server.app.db.q.selectFrom('documents').select('sha256').execute()).map((d) => d.sha256);
    assert.deepEqual(stored, [sha256(bytes)]);

    await page.click('button', 'Afspraak annuleren');
    await page.click('button', 'Ja, annuleren');
    await page.waitFor('text', /Uw afspraak is geannuleerd\./);
    report({ works: 'booking (every step), manage view (reschedule, companions, cancel), document upload' });
  });

  it('has cameras but no WebRTC in this build: the device check says this browser cannot make the video call', async () => {
    // What this WebKitGTK has, read from the page: the mock devices open, RTCPeerConnection is missing.
    const page = webkitPage(webkit.driver);
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);
    await page.goto(`${server.url}/?balie=${token}`);
    const engine = await webkit.driver.executeAsyncScript<{ peerConnection: string; tracks: string[]; sinkId: boolean; connection: boolean }>(`
      const done = arguments[arguments.length - 1];
      navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((stream) => {
        const tracks = stream.getTracks().map((t) => t.kind);
        stream.getTracks().forEach((t) => t.stop());
        done({ peerConnection: typeof RTCPeerConnection, tracks, sinkId: 'setSinkId' in HTMLMediaElement.prototype, connection: 'connection' in navigator });
      }, (error) => done({ peerConnection: typeof RTCPeerConnection, tracks: [String(error)], sinkId: false, connection: false }));
    `);
    assert.deepEqual(engine.tracks.sort(), ['audio', 'video'], 'the mock camera and microphone open');
    await page.click('button', 'Naar het videogesprek');
    await page.click('button', 'Beginnen');
    await page.click('button', 'Camera en microfoon aanzetten');
    if (engine.peerConnection === 'function') {
      // A WebKitGTK built with WebRTC: this test then has to grow a call (README, Supported browsers).
      assert.fail('this WebKitGTK has RTCPeerConnection: add the WebKit↔Chromium call to the cross-engine tests');
    }
    await page.waitFor('text', 'Deze browser kan geen videogesprek voeren. Gebruik een recente versie van Chrome, Edge, Firefox of Safari.');
    report({ works: 'device check: mock camera and microphone open; the missing WebRTC is told to the citizen' });
    report({ limit: 'no WebRTC in Debian 12’s WebKitGTK build (RTCPeerConnection undefined, even with --enable-webrtc=true): no call, so no waiting room, chat or end screen in this engine here' });
    if (!engine.sinkId) report({ limit: 'no setSinkId: sound plays on the system’s default speaker' });
  });
});
