import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bookOnDemoSite, openMail, startJourney } from './support.ts';

describe('citizen books, finds the mail, opens the link and cancels', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('works end to end on the demo site', async () => {
    const page = await journey.page();
    const base = journey.server.url;

    // Book: service → channel → time → details → review → confirmed.
    const slotLabel = await bookOnDemoSite(page, base);

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
