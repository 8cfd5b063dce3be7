import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
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

describe('WebKit: the citizen journey', () => {
  const files = tempFiles();
  let server: TestServer;
  let webkit: WebKit;
  before(async () => {
    [server, webkit] = await Promise.all([startTestServer(), launchWebKit()]);
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
    const stored = server.app.db.prepare('SELECT sha256 FROM documents').pluck().all();
    assert.deepEqual(stored, [sha256(bytes)]);

    await page.click('button', 'Afspraak annuleren');
    await page.click('button', 'Ja, annuleren');
    await page.waitFor('text', /Uw afspraak is geannuleerd\./);
  });
});
