import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom, passDeviceCheck } from '../test-support/call-journey.ts';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, signIn, staffEmail } from '../test-support/staff.ts';
import { expectNoAxeViolations } from './a11y-support.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels; join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';

describe('axe-core finds no WCAG 2.2 A/AA violation in any view', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let base: string;
  let citizenToken: string;
  let appointmentId: string;
  let companionToken: string;
  let staff: Page;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
    base = journey.server.url;
    // Marie's call with An on Monday 09:00, booked first so the booking journey below takes another time.
    const server = journey.server;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    ({ token: citizenToken, id: appointmentId } = await book(
      server,
      { start, channel: 'video', locationId: null },
      { companion: { name: 'Saïd Tolk', email: 'tolk@example.org', role: 'interpreter' } },
    ));
    companionToken = linkToken((await sentMails(server)).find((m) => m.to === 'tolk@example.org')!.text);
  });
  after(() => journey.close());

  it('the check itself fails on a nameless button and too faint text deep inside the shadow roots', async () => {
    const page = await journey.page();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).waitFor();
    await page.locator('balie-booking-view h2').evaluate((heading) => {
      const faint = Object.assign(document.createElement('p'), { textContent: 'Vage tekst' });
      faint.style.color = '#bbb'; // the CSSOM, since the page's CSP refuses style attributes
      heading.after(document.createElement('button'), faint);
    });
    await assert.rejects(expectNoAxeViolations(page, 'a broken service step'), (error: Error) => {
      assert.match(error.message, /button-name .*balie-booking-view/);
      assert.match(error.message, /color-contrast/);
      return true;
    });
    await page.close();
  });

  it('booking: service, channel, time, details with errors, review, confirmation', async () => {
    const page = await journey.page();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).waitFor();
    await expectNoAxeViolations(page, 'the service step');
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).click();
    await page.getByRole('radio', { name: /Videogesprek/ }).waitFor();
    await expectNoAxeViolations(page, 'the channel step');
    await page.getByRole('radio', { name: /Videogesprek/ }).check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first().check();
    await expectNoAxeViolations(page, 'the time step');
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByLabel('E-mailadres', { exact: true }).fill('geen-adres');
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('alert').filter({ hasText: 'Voor- en achternaam' }).waitFor();
    await expectNoAxeViolations(page, 'the details form with errors');
    await page.getByLabel('Voor- en achternaam').fill('Jan Peeters');
    await page.getByLabel('E-mailadres', { exact: true }).fill('jan@example.org');
    await page.getByLabel('Voor wie zorgt u?').fill('Mijn ouders');
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('checkbox', { name: /toestemming/ }).waitFor();
    await expectNoAxeViolations(page, 'the review step');
    await page.getByRole('checkbox', { name: /toestemming/ }).check();
    await page.getByRole('button', { name: 'Afspraak bevestigen' }).click();
    await page.getByRole('heading', { name: 'Uw afspraak is bevestigd' }).waitFor();
    await expectNoAxeViolations(page, 'the confirmation');
  });

  it('manage view, and its documents panel with a refused upload', async () => {
    const page = await journey.page();
    await page.goto(`${base}/?balie=${citizenToken}`);
    await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
    await expectNoAxeViolations(page, 'the manage view');
    await page.locator('balie-documents-panel #file-input').setInputFiles({ name: 'programma.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a document') });
    await page.locator('balie-documents-panel').getByRole('alert').first().waitFor();
    await expectNoAxeViolations(page, 'the documents panel with a refused upload');
  });

  it('device check with camera and microphone blocked', async () => {
    // As a citizen who clicked "block": no fake prompt that says yes, and no permission granted to
    // the origin (CDP's grantPermissions denies every permission it does not list).
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--use-fake-ui-for-media-stream') });
    const context = await browser.newContext({ locale: 'nl-BE' });
    await context.grantPermissions([], { origin: base });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/?balie=${citizenToken}`);
      await page.getByRole('button', { name: 'Naar het videogesprek' }).click();
      await page.getByRole('button', { name: 'Beginnen' }).click();
      await expectNoAxeViolations(page, 'the device check before asking');
      await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
      await page.getByRole('heading', { name: 'Uw browser blokkeert de camera of microfoon' }).waitFor();
      await expectNoAxeViolations(page, 'the device check with access blocked');
    } finally {
      await browser.close();
    }
  });

  it('device check, waiting room, a call of three with an error in the documents, and feedback', async () => {
    journey.server.clock.set(JUST_BEFORE);
    const [citizen, companion] = [await journey.page(), await journey.page()];
    await citizen.goto(`${base}/?balie=${citizenToken}`);
    await citizen.getByRole('button', { name: 'Naar het videogesprek' }).click();
    await citizen.getByRole('heading', { name: 'Welkom' }).or(citizen.getByRole('button', { name: 'Beginnen' })).first().waitFor();
    await expectNoAxeViolations(citizen, 'the welcome screen');
    await citizen.getByRole('button', { name: 'Beginnen' }).click();
    await passDeviceCheck(citizen);
    await expectNoAxeViolations(citizen, 'the device check with a working camera');
    await citizen.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await citizen.getByRole('heading', { name: 'U bent in de wachtkamer' }).waitFor();
    await expectNoAxeViolations(citizen, 'the waiting room');
    await enterWaitingRoom(companion, base, companionToken);

    staff = await journey.page();
    await staff.goto(`${base}/medewerker`);
    await staff.getByLabel('Wachtwoord').waitFor();
    await expectNoAxeViolations(staff, 'the staff sign-in');
    await staff.getByLabel('E-mailadres').fill(staffEmail.an);
    await staff.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await staff.getByRole('button', { name: 'Aanmelden' }).click();
    await staff.getByRole('row', { name: /Marie/ }).waitFor();
    await expectNoAxeViolations(staff, 'the agenda with people waiting');
    await staff.getByRole('row', { name: /Marie/ }).getByRole('button', { name: /Dossier van Marie/ }).click();
    await staff.getByRole('button', { name: 'Gesprek starten' }).waitFor();
    await expectNoAxeViolations(staff, 'the dossier');
    await staff.getByRole('button', { name: 'Gesprek starten' }).click();
    await staff.getByRole('heading', { name: /Videogesprek met Marie/ }).waitFor();
    await staff.getByRole('button', { name: 'Iedereen binnenlaten' }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
    await citizen.getByRole('listitem').filter({ hasText: 'Saïd Tolk' }).waitFor();
    await citizen.locator('figure.tile video[data-peer]:not([data-peer="self"])').nth(1).waitFor();
    await citizen.locator('balie-call-view balie-documents-panel #file-input').setInputFiles({ name: 'script.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a document') });
    await citizen.locator('balie-call-view balie-documents-panel').getByRole('alert').first().waitFor();
    await expectNoAxeViolations(citizen, 'the call of three, with a refused upload');
    await expectNoAxeViolations(staff, 'the staff side of the call');

    // A follow-up planned during the call shows on the end screen too.
    const next = (await offeredStarts(journey.server, 'channel=video&from=2027-03-08&days=1'))[0]!;
    const colleague = await signIn(journey.server, staffEmail.chloe);
    const planned = await colleague.request(`/api/staff/appointments/${appointmentId}/follow-up`, { body: { start: next, channel: 'video', locationId: null } });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));
    await staff.getByRole('button', { name: 'Gesprek beëindigen' }).click();
    await citizen.getByRole('heading', { name: 'Het gesprek is afgelopen' }).waitFor();
    await citizen.getByRole('heading', { name: 'Uw volgende afspraak' }).waitFor();
    await expectNoAxeViolations(citizen, 'the end screen with the follow-up and the feedback survey');
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByRole('alert').waitFor();
    await expectNoAxeViolations(citizen, 'the feedback survey with an error');
  });

  it('staff agenda, impact dashboard, services, opening hours and account', async () => {
    await staff.getByRole('button', { name: 'Impact' }).click();
    await staff.getByRole('heading', { name: 'Impact' }).first().waitFor();
    await staff.locator('[data-view]').getByRole('table').first().or(staff.getByText('Geen')).first().waitFor();
    await expectNoAxeViolations(staff, 'the impact dashboard');
    for (const view of ['Diensten', 'Openingsuren', 'Account']) {
      await staff.getByRole('navigation').getByRole('button', { name: view }).click();
      await staff.getByRole('heading', { name: view, exact: true }).waitFor();
      await staff.getByText('Even geduld…').waitFor({ state: 'detached' });
      await expectNoAxeViolations(staff, `the console's ${view}`);
    }
    await staff.getByRole('button', { name: 'Agenda' }).click();
    await staff.getByRole('row', { name: /Marie/ }).waitFor();
    await expectNoAxeViolations(staff, 'the agenda');
  });
});
