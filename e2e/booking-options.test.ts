import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startJourney } from './support.ts';

/** Options of the booking form a citizen ticks, pressed as a person would, and what they lead to. */
describe('booking form options', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('"Ik gebruik liever tekst" is shown in the review and stored with the appointment', async () => {
    const page = await journey.page();
    await page.goto(`${journey.server.url}/`);
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).click();
    await page.getByRole('radio', { name: /Videogesprek/ }).check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first().check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByLabel('Voor- en achternaam').fill('Ellen Maes');
    await page.getByLabel('E-mailadres', { exact: true }).fill('ellen@example.org');
    await page.getByLabel('Voor wie zorgt u?').fill('Mijn vader');
    await page.getByRole('checkbox', { name: 'Ik gebruik liever tekst' }).check();
    await page.getByRole('button', { name: 'Verder' }).click();

    // The review repeats the choice before anything is sent.
    await page.getByRole('definition').filter({ hasText: 'Ik gebruik liever tekst' }).waitFor();
    await page.getByRole('checkbox', { name: /toestemming/ }).check();
    await page.getByRole('button', { name: 'Afspraak bevestigen' }).click();
    await page.getByRole('heading', { name: 'Uw afspraak is bevestigd' }).waitFor();

    const row = await journey.server.app.db.q
      .selectFrom('appointments')
      .select('prefers_text as prefersText')
      .where('citizen_email', '=', 'ellen@example.org')
      .executeTakeFirstOrThrow();
    assert.equal(row.prefersText, 1);
  });
});
