import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { filesContaining, needlesOf, personWithData, uniquePerson, unzip } from '../test-support/privacy.ts';
import { testClock } from '../test-support/server.ts';
import { signIn, staffEmail } from '../test-support/staff.ts';
import { expectNoAxeViolations } from './a11y-support.ts';
import { signInToConsole, startJourney } from './support.ts';

const MONDAY_7AM = '2027-03-01T06:00:00Z';

/** A citizen asks what the municipality keeps about them, then to erase it: a beheerder answers both in the console. */
describe('a citizen’s access and erasure request in the staff console', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney({ clock: testClock(MONDAY_7AM) });
  });
  after(() => journey.close());

  it('a beheerder searches an e-mail address, downloads everything, erases it and sees the record; a medewerker has no such view', async () => {
    const { server } = journey;
    const p = uniquePerson();
    await personWithData(server, await signIn(server, staffEmail.an), p);

    const page = await journey.page();
    await signInToConsole(page, server.url, staffEmail.an);
    await page.getByRole('button', { name: 'Gegevens van een burger' }).click();
    await page.getByRole('heading', { name: 'Gegevens van een burger' }).waitFor();
    // The view itself: the console repeats its messages in a live region for screen readers.
    const view = page.locator('balie-staff-privacy');
    await page.getByLabel('E-mailadres of telefoonnummer').fill(p.email);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('heading', { name: '1 afspraak gevonden.' }).waitFor();
    await page.getByRole('row', { name: new RegExp(p.name) }).getByText('Mantelzorgpremie').waitFor();

    await expectNoAxeViolations(page, 'Gegevens van een burger with a search result');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Alle gegevens downloaden (zip)' }).click()]);
    assert.match(download.suggestedFilename(), /^gegevens-\d{4}-\d\d-\d\d\.zip$/);
    const entries = await unzip(readFileSync((await download.path())!));
    const json = JSON.parse(entries.get('gegevens.json')!.toString('utf8'));
    assert.equal(json.appointments[0].appointment.citizen_email, p.email);
    assert.ok([...entries.keys()].some((name) => name.endsWith(`attest-${p.tag}.txt`)), 'the document is in the zip');
    await view.getByText('De download met alle gegevens is klaar.').waitFor();

    // Erasing needs the confirmation first.
    await page.getByRole('button', { name: 'Alles wissen' }).click();
    await view.getByText('Bevestig eerst dat de burger om wissing vroeg.').waitFor();
    assert.ok(filesContaining(server.dataDir, needlesOf(p)).length > 0, 'nothing was erased without the confirmation');
    await page.getByRole('checkbox', { name: /De burger vroeg om wissing/ }).check();
    await page.getByRole('button', { name: 'Alles wissen' }).click();
    await view.getByText('Gewist: 1 afspraken, 0 keer als begeleider, 1 documenten.', { exact: false }).waitFor();
    const record = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Door' }) }).getByRole('row', { name: /An Peeters/ });
    await record.waitFor();
    assert.deepEqual(filesContaining(server.dataDir, needlesOf(p)), []);
    await expectNoAxeViolations(page, 'Gegevens van een burger after an erasure');

    // Searching again finds nothing.
    await page.getByLabel('E-mailadres of telefoonnummer').fill(p.email);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await view.getByText('Geen afspraken met persoonsgegevens gevonden voor dit adres of nummer.').waitFor();

    const medewerker = await journey.page();
    await signInToConsole(medewerker, server.url, staffEmail.chloe);
    const nav = medewerker.getByRole('navigation');
    await nav.getByRole('button', { name: 'Impact' }).waitFor();
    assert.equal(await nav.getByRole('button', { name: 'Gegevens van een burger' }).count(), 0);
  });
});
