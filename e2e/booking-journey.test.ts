import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startJourney } from './support.ts';

/** Opens the demo mailbox until a mail with this subject is listed (reloading, as a person would). */
async function openMail(page: Page, base: string, subject: string) {
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${base}/demo/mailbox`);
    const mail = page.locator('article.mail', { hasText: subject }).first();
    if (await mail.count()) return mail;
    if (attempt === 20) throw new Error(`no mail "${subject}" in the mailbox`);
    await page.waitForTimeout(250);
  }
}

describe('citizen books, finds the mail, opens the link and cancels', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('works end to end on the demo site', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    await page.goto(`${base}/`);

    // Book: service → channel → time → details → review → confirmed.
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).click();
    await page.getByRole('radio', { name: /Videogesprek/ }).check();
    await page.getByRole('button', { name: 'Verder' }).click();
    const firstSlot = page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
    const slotLabel = (await firstSlot.getAttribute('aria-label'))!;
    await firstSlot.check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByLabel('Voor- en achternaam').fill('Marie Claes');
    await page.getByLabel('E-mailadres', { exact: true }).fill('marie@example.org');
    await page.getByLabel('Voor wie zorgt u?').fill('Mijn ouders');
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('checkbox', { name: /toestemming/ }).check();
    await page.getByRole('button', { name: 'Afspraak bevestigen' }).click();
    await page.getByRole('heading', { name: 'Uw afspraak is bevestigd' }).waitFor();

    // The mail is in the demo mailbox, with the personal link back to the demo page.
    // Mail is sent in the background after the confirmation; the mailbox shows it a moment later.
    const mail = await openMail(page, base, 'Uw afspraak is bevestigd');
    const link = mail.locator('a[href*="balie="]').first();
    const href = (await link.getAttribute('href'))!;
    assert.ok(href.startsWith(`${base}/?balie=`), href);
    await link.click();

    // The link opens the appointment, at the time that was chosen.
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();
    const time = slotLabel.split(' om ')[1]!;
    await page.getByText(new RegExp(`om ${time}|${time}`)).first().waitFor();
    await page.getByText('Bevestigd').waitFor();

    // Cancel it.
    await page.getByRole('button', { name: 'Afspraak annuleren' }).click();
    await page.getByRole('button', { name: 'Ja, annuleren' }).click();
    await page.getByRole('paragraph').filter({ hasText: 'Uw afspraak is geannuleerd.' }).waitFor();
    // The live region announced it too.
    await page.getByRole('status').filter({ hasText: 'Uw afspraak is geannuleerd.' }).waitFor({ state: 'attached' });

    // The link no longer opens the appointment, and the cancellation mail arrived.
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Deze afspraak is geannuleerd.' }).waitFor();
    await openMail(page, base, 'Uw afspraak is geannuleerd');
  });
});
