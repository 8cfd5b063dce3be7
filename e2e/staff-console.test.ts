import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { testClock } from '../test-support/server.ts';
import { connectPeer, joinAsHolder, type TestPeer } from '../test-support/signal.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { bookOnDemoSite, openMail, startJourney } from './support.ts';

// Monday 1 March 2027, 07:00 in Brussels: the first mantelzorgpremie video slot is 09:00 today, with An.
const MONDAY_7AM = '2027-03-01T06:00:00Z';
const FOLLOW_UP_NOTE = 'Breng het attest van de huisarts mee.';

async function signIn(page: Page, base: string) {
  await page.goto(`${base}/medewerker`);
  await page.getByLabel('E-mailadres').fill(staffEmail.an);
  await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('heading', { name: 'Agenda' }).waitFor();
}

describe('staff console at /medewerker', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let staff: Page;
  let citizen: Page;
  let base: string;
  let waitingPeer: TestPeer | undefined;
  before(async () => {
    journey = await startJourney({ clock: testClock(MONDAY_7AM) });
    base = journey.server.url;
    staff = await journey.page();
    citizen = await journey.page();
  });
  after(async () => {
    waitingPeer?.close();
    await journey.close();
  });

  it('shows a new booking live, opens its dossier and plans a follow-up that reaches the citizen by mail', async () => {
    await signIn(staff, base);
    await staff.getByText('Geen afspraken in deze periode.').waitFor();
    await staff.getByText('Live bijgewerkt').waitFor();
    await staff.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const slotLabel = await bookOnDemoSite(citizen, base);
    assert.match(slotLabel, / om 09:00$/);

    // The row arrives over the event stream: no reload, marked new and announced.
    const row = staff.getByRole('row', { name: /Marie/ });
    await row.waitFor();
    await row.getByText('Nieuw').waitFor();
    await staff.getByRole('status').filter({ hasText: 'Nieuwe afspraak: Marie, Mantelzorgpremie' }).waitFor({ state: 'attached' });
    assert.equal(await staff.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page was not reloaded');
    assert.match((await row.textContent())!, /09:00–09:30.*Mantelzorgpremie.*Video.*Marie.*Mijn ouders.*Toestel niet getest.*Documenten: 0 van 1/s);

    await row.getByRole('button', { name: 'Dossier van Marie (09:00) openen' }).click();
    await staff.getByRole('heading', { name: 'Marie – Mantelzorgpremie' }).waitFor();
    await staff.getByText('Marie Claes').waitFor();

    await staff.getByRole('button', { name: 'Tijdstip kiezen' }).click();
    const slot = staff.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
    const followUpTime = (await slot.getAttribute('aria-label'))!.split(' om ')[1]!;
    await slot.check();
    await staff.getByLabel('Bericht voor de burger').fill(FOLLOW_UP_NOTE);
    await staff.getByRole('button', { name: 'Vervolgafspraak plannen' }).click();
    await staff.getByRole('paragraph').filter({ hasText: /De vervolgafspraak van .* is gepland/ }).waitFor();
    await staff.getByRole('button', { name: 'Vervolgafspraak openen' }).waitFor();

    // The citizen's confirmation of the follow-up, with the note and a personal link of its own.
    const mail = await openMail(citizen, base, 'bevestigd', FOLLOW_UP_NOTE);
    assert.match((await mail.textContent())!, new RegExp(followUpTime));
    assert.ok(await mail.locator('a[href*="balie="]').count());
  });

  it('alerts, visibly and with a chime, when the citizen enters the waiting room', async () => {
    await staff.getByRole('button', { name: 'Terug naar de agenda' }).click();
    await staff.getByRole('heading', { name: 'Agenda' }).waitFor();
    // Ten minutes before the start the meeting opens; the citizen joins from the confirmation link.
    journey.server.clock.set('2027-03-01T07:50:00Z');
    const confirmation = (await sentMails(journey.server)).find((m) => m.subject.includes('bevestigd') && !m.text.includes(FOLLOW_UP_NOTE))!;
    waitingPeer = await connectPeer(journey.server, await joinAsHolder(journey.server, linkToken(confirmation.text)));

    const alert = staff.getByRole('alert').filter({ hasText: 'Marie wacht in de wachtzaal (Mantelzorgpremie, 09:00).' });
    await alert.waitFor();
    assert.equal(await alert.getAttribute('data-sound'), 'played');
    await staff.getByRole('row', { name: /Marie/ }).getByText('Wacht nu').waitFor();
    await alert.getByRole('button', { name: 'Dossier openen' }).click();
    await staff.getByText(/Wacht in de wachtzaal sinds 08:50/).waitFor();
  });

  it('changes opening hours, and shows which appointments stand in the way of a change it refuses', async () => {
    await staff.getByRole('button', { name: 'Openingsuren' }).click();
    await staff.getByRole('heading', { name: 'Weekrooster van An Peeters' }).waitFor();
    // An's blocks, by weekday and time: Friday 09:00–12:00 is the seventh.
    assert.equal(await staff.getByLabel('Dag, Blok 7').inputValue(), '5');
    await staff.getByLabel('Tot, Blok 7').fill('11:00');
    await staff.getByRole('button', { name: 'Weekrooster opslaan' }).click();
    await staff.getByText('Weekrooster van An Peeters opgeslagen.').first().waitFor();
    const friday = (await journey.server.app.db.q.selectFrom('opening_hours').select('end_time').where('staff_id', '=', 'an').where('weekday', '=', 5).execute()).map((h) => h.end_time);
    assert.deepEqual(friday, ['11:00']);

    // Dropping Monday morning would strand Marie's appointment: refused, with the list.
    await staff.getByRole('button', { name: 'Verwijderen Blok 1' }).click();
    await staff.getByRole('button', { name: 'Weekrooster opslaan' }).click();
    const refusal = staff.getByRole('alert').filter({ hasText: 'Deze wijziging kan niet' });
    await refusal.waitFor();
    await refusal.getByRole('row', { name: /Marie/ }).first().waitFor();
    const monday = Number(
      (await journey.server.app.db.q.selectFrom('opening_hours').select((eb) => eb.fn.countAll<number>().as('n')).where('staff_id', '=', 'an').where('weekday', '=', 1).executeTakeFirstOrThrow()).n,
    );
    assert.equal(monday, 1, 'the refused week was not stored');
  });

  it('records a no-show in the dossier, and the dashboard CSV of a chosen period counts it', async () => {
    await staff.getByRole('button', { name: 'Agenda' }).click();
    journey.server.clock.set('2027-03-01T08:20:00Z');
    await staff.getByRole('button', { name: 'Dossier van Marie (09:00) openen' }).click();
    await staff.getByRole('heading', { name: 'Marie – Mantelzorgpremie' }).waitFor();
    await staff.getByRole('button', { name: 'Niet gekomen' }).click();
    await staff.getByRole('definition').filter({ hasText: 'Niet gekomen' }).waitFor();

    await staff.getByRole('button', { name: 'Impact' }).click();
    await staff.getByRole('heading', { name: 'Impact' }).waitFor();
    await staff.getByLabel('Van', { exact: true }).fill('2027-03-01');
    await staff.getByLabel('Tot en met', { exact: true }).fill('2027-03-31');
    await staff.getByRole('button', { name: 'Toon' }).click();
    await staff.getByText(/maandag 1 maart 2027 – woensdag 31 maart 2027/).waitFor();

    const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('link', { name: 'Download als CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'digitale-balie-2027-03-01-2027-03-31.csv');
    const [header, total, ...services] = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n');
    assert.match(header!, /^scope,service_id,service,from,to,booked,held,cancelled,no_shows,open,/);
    // Marie's appointment, a no-show, and its follow-up, still open.
    assert.match(total!, /^total,,,2027-03-01,2027-03-31,2,0,0,1,1,/);
    assert.ok(services.some((line) => line.startsWith('service,mantelzorgpremie,Mantelzorgpremie,2027-03-01,2027-03-31,2,')));
  });
});
