import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { bookOnDemoSite, startJourney } from './support.ts';

// Monday 1 March 2027, 07:00 in Brussels: the first mantelzorgpremie video slot is 09:00 today, with An.
const MONDAY_7AM = '2027-03-01T06:00:00Z';
const NOTE = 'Belt liever na 14 uur; haar dochter helpt met de aanvraag.';

async function openDossierOfMarie(page: Page) {
  await page.getByRole('heading', { name: 'Agenda' }).waitFor();
  await page.getByRole('row', { name: /Marie/ }).getByRole('button', { name: 'Dossier van Marie (09:00) openen' }).click();
  await page.getByRole('heading', { name: 'Marie – Mantelzorgpremie' }).waitFor();
}

/** A civil servant's note in the dossier (issue 11: every button proven): typed, saved, still there after a reload. */
describe('dossier notes in the staff console', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney({ clock: testClock(MONDAY_7AM) });
  });
  after(() => journey.close());

  it('saves a note: the civil servant sees it saved and again after a reload, the server holds it, the citizen never sees it', async () => {
    const base = journey.server.url;
    await bookOnDemoSite(await journey.page(), base);
    const staff = await journey.page();
    await staff.goto(`${base}/medewerker`);
    await staff.getByLabel('E-mailadres').fill(staffEmail.an);
    await staff.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await staff.getByRole('button', { name: 'Aanmelden' }).click();
    await openDossierOfMarie(staff);

    const notes = staff.getByLabel('Notities', { exact: true });
    assert.equal(await notes.inputValue(), '');
    await notes.fill(NOTE);
    await staff.getByRole('button', { name: 'Notities opslaan' }).click();
    // Visible to a sighted civil servant, not only announced to a screen reader.
    const saved = staff.getByRole('region', { name: 'Notities en volgende stappen' }).getByText('Notities en volgende stappen opgeslagen.');
    await saved.waitFor();
    assert.ok((await saved.boundingBox())!.width > 10, 'the confirmation is shown, not only announced');
    await staff.getByRole('status').filter({ hasText: 'Notities en volgende stappen opgeslagen.' }).waitFor({ state: 'attached' });

    // What the server holds.
    const { notes: held } = await journey.server.app.db.q.selectFrom('appointments').select('notes').where('citizen_email', '=', 'marie@example.org').executeTakeFirstOrThrow();
    assert.equal(held, NOTE);

    // Typing again hides the old confirmation: it would claim the new words are saved.
    await notes.press('End');
    await notes.type(' ');
    assert.equal(await saved.count(), 0);

    // After a reload (the session cookie stays) the note is read back from the server.
    await staff.reload();
    await openDossierOfMarie(staff);
    assert.equal(await staff.getByLabel('Notities', { exact: true }).inputValue(), NOTE);

    // Notes are for staff only: the citizen's own link never returns them.
    const confirmation = (await sentMails(journey.server)).find((m) => m.subject.includes('bevestigd'))!;
    const view = await fetch(`${base}/api/appointment`, { headers: { authorization: `Bearer ${linkToken(confirmation.text)}` } });
    assert.equal(view.status, 200);
    assert.ok(!(await view.text()).includes('dochter'), 'the note is not in the citizen view');
  });
});
