import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../test-support/booking.ts';
import { firstSlot } from '../test-support/server.ts';
import { startJourney } from './support.ts';

/**
 * Issue 10: the personal link's token must not stay in the page address (screenshots, history of a
 * shared PC, shared addresses, Referer). The widget takes it out at once and keeps a reload working.
 */
describe('the personal link in the page address', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let token: string;
  before(async () => {
    journey = await startJourney();
    ({ token } = await book(journey.server, await firstSlot(journey.server.url)));
  });
  after(() => journey.close());

  it('is removed from the address bar and its history entry, keeps other parameters, and a reload still shows the appointment', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    await page.goto(`${base}/`);
    await page.goto(`${base}/?bron=mail&balie=${token}#afspraak`);
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();

    const address = new URL(page.url());
    assert.equal(address.searchParams.get('balie'), null, 'the token left the address bar');
    assert.equal(address.searchParams.get('bron'), 'mail', 'other parameters stay');
    assert.equal(address.hash, '#afspraak', 'and the hash');
    assert.ok(!page.url().includes(token));

    await page.reload();
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();
    assert.ok(!page.url().includes(token), 'a reload does not put it back');

    // Back goes to the page before the link, not to an entry that still holds the token.
    await page.goBack();
    assert.equal(page.url(), `${base}/`);
    await page.goForward();
    assert.ok(!page.url().includes(token));
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();
    assert.equal(await page.evaluate(() => history.length), 3, 'the blank tab, the start page and the appointment: nothing else');
  });

  it('when the page is opened anew without the link, then it shows the booking form, not the last appointment', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    await page.goto(`${base}/?balie=${token}`);
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();
    // (Another address: Chromium treats going to the very address shown as a reload.)
    await page.goto(`${base}/?bron=menu`);
    await page.getByText('Waarvoor wilt u een afspraak?').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Uw afspraak' }).count(), 0);
  });
});
