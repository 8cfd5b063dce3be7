import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { linkToken } from '../test-support/outbox.ts';
import { api, testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { startWebhookReceiver } from '../test-support/webhook-receiver.ts';
import { expectNoAxeViolations } from './a11y-support.ts';
import { openMail, startJourney } from './support.ts';

// Monday 1 March 2027, 07:00 in Brussels: An's first mantelzorgpremie video hour (and so phone hour) is 09:00.
const MONDAY_7AM = '2027-03-01T06:00:00Z';
const CREATE = 'Afspraak maken voor een burger';

/** Georgette phones the municipality (issue 11, item 4): An books for her in the console. */
describe('staff console: "Afspraak maken voor een burger"', () => {
  let sms: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let staff: Page;
  let base: string;

  before(async () => {
    sms = await startWebhookReceiver();
    journey = await startJourney({ clock: testClock(MONDAY_7AM), env: { SMS_WEBHOOK_URL: sms.url } });
    base = journey.server.url;
    staff = await journey.page();
    await staff.goto(`${base}/medewerker`);
    await staff.getByLabel('E-mailadres').fill(staffEmail.an);
    await staff.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await staff.getByRole('button', { name: 'Aanmelden' }).click();
    await staff.getByRole('heading', { name: 'Agenda' }).waitFor();
  });
  after(async () => {
    await journey.close();
    await sms.close();
  });

  /** Chooses service, channel and the first free time; returns the time ("09:00"). */
  async function chooseTime(channel: string) {
    await staff.getByLabel('Dienst').selectOption({ label: 'Mantelzorgpremie' });
    await staff.getByLabel('Kanaal').selectOption({ label: channel });
    const slot = staff.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
    const time = (await slot.getAttribute('aria-label'))!.split(' om ')[1]!;
    await slot.check();
    return time;
  }

  it('books a phone call-back with an e-mail address: the confirmation, the mail saying who calls which number, the agenda with a tel: link', async () => {
    await staff.getByRole('navigation').getByRole('button', { name: CREATE }).click();
    await staff.getByRole('heading', { name: CREATE }).waitFor();
    const time = await chooseTime('Telefonisch (wij bellen)');
    assert.equal(time, '09:00');
    await staff.getByLabel('Naam').fill('Georgette Willems');
    await staff.getByLabel('E-mailadres').fill('georgette@example.org');
    await staff.getByLabel('Gsm- of telefoonnummer').fill('0470 12 34 56');
    await expectNoAxeViolations(staff, 'the staff booking form');
    await staff.getByRole('button', { name: 'Afspraak maken', exact: true }).click();

    const done = staff.locator('[data-booked]');
    await done.waitFor();
    assert.match((await done.textContent())!, /maandag 1 maart 2027.*09:00.*per e-mail naar georgette@example\.org/s);

    // The citizen's confirmation, with the personal link and how it will happen.
    const mailPage = await journey.page();
    const mail = await openMail(mailPage, base, 'bevestigd', 'Een medewerker belt u op +32 470 12 34 56');
    assert.match((await mail.textContent())!, /maandag 1 maart 2027 om 09:00/);
    assert.equal((await api(base, '/api/appointment', { token: linkToken((await mail.textContent())!) })).body.channel, 'phone');

    // The agenda: the phone appointment with the number to call.
    await staff.getByRole('navigation').getByRole('button', { name: 'Agenda' }).click();
    const row = staff.getByRole('row', { name: /Georgette/ });
    await row.waitFor();
    assert.match((await row.textContent())!, /09:00–09:30.*Mantelzorgpremie.*Telefonisch \(wij bellen\).*\+32 470 12 34 56.*Georgette/s);
    const call = row.getByRole('link', { name: 'Bel +32 470 12 34 56' });
    assert.equal(await call.getAttribute('href'), 'tel:+32470123456');

    // The dossier: who made it, and the number again.
    await row.getByRole('button', { name: /Dossier van Georgette/ }).click();
    await staff.getByRole('heading', { name: 'Georgette – Mantelzorgpremie' }).waitFor();
    await staff.getByText('Afspraak gemaakt door An Peeters').waitFor();
    assert.equal(await staff.getByRole('link', { name: 'Bel +32 470 12 34 56' }).getAttribute('href'), 'tel:+32470123456');
    await staff.getByRole('button', { name: 'Terug naar de agenda' }).click();
  });

  it('with only a phone number: refuses a fixed line, then sends the confirmation with the link by SMS for a mobile number', async () => {
    await staff.getByRole('navigation').getByRole('button', { name: CREATE }).click();
    await staff.getByRole('heading', { name: CREATE }).waitFor();
    await chooseTime('Loket: Gemeentehuis Wilsede');
    await staff.getByLabel('Naam').fill('Maarten Peeters');
    await staff.getByLabel('Gsm- of telefoonnummer').fill('02 511 11 11');
    await staff.getByRole('button', { name: 'Afspraak maken', exact: true }).click();
    await staff.getByText('Zonder e-mailadres sturen we de link per sms: vul een gsm-nummer in.').waitFor();
    assert.equal(sms.received.length, 0, 'nothing was booked or sent');

    await staff.getByLabel('Gsm- of telefoonnummer').fill('0471 23 45 67');
    await staff.getByRole('button', { name: 'Afspraak maken', exact: true }).click();
    await staff.locator('[data-booked]').filter({ hasText: 'per sms naar +32 471 23 45 67' }).waitFor();

    const [message] = await sms.waitFor(1);
    const { to, text } = JSON.parse(message!.body) as { to: string; text: string };
    assert.equal(to, '+32471234567');
    assert.match(text, /^Uw afspraak voor Mantelzorgpremie is vastgelegd op .* U komt naar het loket: Gemeentehuis Wilsede/);
    const opened = await api(base, '/api/appointment', { token: linkToken(text) });
    assert.equal(opened.status, 200);
    assert.equal(opened.body.citizenName, 'Maarten Peeters');
  });
});
