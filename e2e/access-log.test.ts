import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../test-support/api-error.ts';
import { book } from '../test-support/booking.ts';
import { firstSlot, testClock } from '../test-support/server.ts';
import { signIn, staffEmail } from '../test-support/staff.ts';
import { tusClient } from '../test-support/tus.ts';
import { eventually } from '../test-support/uploads.ts';
import { expectNoAxeViolations } from './a11y-support.ts';
import { signInToConsole, startJourney } from './support.ts';

// Monday 1 March 2027, 07:00 in Brussels: the first mantelzorgpremie video slot is today, with An.
const MONDAY_7AM = '2027-03-01T06:00:00Z';

describe('access log in the staff console', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let base: string;
  let appointment: { id: string; token: string };
  let documentId: string;

  before(async () => {
    journey = await startJourney({ clock: testClock(MONDAY_7AM) });
    base = journey.server.url;
    appointment = await book(journey.server, await firstSlot(base));
    const done = await tusClient(base, { token: appointment.token }).upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1024)]), { filename: 'attest.pdf' });
    assert.equal(done.status, 204);
    documentId = new URL(done.url).pathname.split('/').pop()!;
  });
  after(() => journey.close());

  it('a medewerker reads a dossier and a document, and is offered no access log and refused one (403)', async () => {
    const bart = await signIn(journey.server, staffEmail.bart);
    assert.equal((await bart.request(`/api/staff/appointments/${appointment.id}`)).status, 200);
    const file = await fetch(`${base}/api/staff/appointments/${appointment.id}/documents/${documentId}/file`, { headers: { cookie: bart.cookie } });
    assert.equal(file.status, 200);
    await file.arrayBuffer();
    assertApiError(await bart.request('/api/staff/access-log'), 403, 'forbidden');

    const page = await journey.page();
    await signInToConsole(page, base, staffEmail.bart);
    await page.getByRole('button', { name: 'Impact' }).waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('button', { name: 'Toegangslog' }).count(), 0);
  });

  it('a beheerder opens a dossier, then reads and filters the access log: who, what, which appointment and document, when', async () => {
    const page = await journey.page();
    await signInToConsole(page, base, staffEmail.an);
    await page.getByRole('button', { name: /Dossier van Marie .* openen/ }).click();
    await page.getByRole('heading', { name: 'Marie – Mantelzorgpremie' }).waitFor();

    await page.getByRole('navigation').getByRole('button', { name: 'Toegangslog' }).click();
    await page.getByRole('heading', { name: 'Toegangslog' }).waitFor();
    const rows = page.locator('tr[data-entry]');
    await rows.nth(2).waitFor();
    const table = async () => (await rows.allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    const all = await table();
    assert.equal(all.length, 3);
    assert.match(all[0]!, new RegExp(`An Peeters Dossier geopend ${appointment.id}`)); // newest first
    assert.match(all[1]!, new RegExp(`Bart Janssens Document gedownload ${appointment.id} ${documentId}`));
    assert.match(all[2]!, new RegExp(`Bart Janssens Dossier geopend ${appointment.id}`));
    assert.ok(all.every((row) => !row.includes('Marie Claes') && !row.includes('marie@example.org')), 'ids only, no citizen data');
    await expectNoAxeViolations(page, 'the access log');

    // By staff member and action.
    await page.getByLabel('Medewerker').selectOption({ label: 'Bart Janssens' });
    await page.getByLabel('Handeling').selectOption({ label: 'Document gedownload' });
    await page.getByRole('button', { name: 'Tonen' }).click();
    await eventually(async () => (await table()).length === 1, 'one row');
    assert.match((await table())[0]!, new RegExp(`Bart Janssens Document gedownload ${appointment.id} ${documentId}`));

    // By appointment and dates: today's rows are there, none from tomorrow on.
    await page.getByLabel('Medewerker').selectOption({ label: 'Iedereen' });
    await page.getByLabel('Handeling').selectOption({ label: 'Alle handelingen' });
    await page.getByLabel('Afspraak-id').fill(appointment.id);
    await page.getByLabel('Van', { exact: true }).fill('2027-03-01');
    await page.getByLabel('Tot en met').fill('2027-03-01');
    await page.getByRole('button', { name: 'Tonen' }).click();
    await eventually(async () => (await table()).length === 3, 'the three rows of the appointment');
    await page.getByLabel('Van', { exact: true }).fill('2027-03-02');
    await page.getByLabel('Tot en met').fill('2027-03-05');
    await page.getByRole('button', { name: 'Tonen' }).click();
    await page.getByText('Geen rijen voor deze keuze.').waitFor();
  });
});
