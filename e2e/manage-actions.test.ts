import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sentMails } from '../test-support/outbox.ts';
import { bookOnDemoSite, openMail, startJourney } from './support.ts';

/**
 * What a citizen does from the personal link after booking, pressed as a person would: every button
 * here once failed or had no test (issue 11). Each step checks what the citizen sees and what the
 * server now holds.
 */
describe('manage view: the buttons a citizen presses after booking', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  /** The appointment the citizen with this address booked on the demo site. */
  const appointmentRow = (email = 'marie@example.org') =>
    journey.server.app.db.q.selectFrom('appointments').select(['id', 'start_at as startAt']).where('citizen_email', '=', email).executeTakeFirstOrThrow();

  it('moves the appointment to another time: the old time is free again and a mail says so', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    await bookOnDemoSite(page, base);
    const before = await appointmentRow();

    const mail = await openMail(page, base, 'Uw afspraak is bevestigd');
    await mail.locator('a[href*="balie="]').first().click();
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();

    await page.getByRole('button', { name: 'Ander tijdstip kiezen' }).click();
    // The first free slot is the booked one's neighbour: the booked time itself is no longer offered.
    const slot = page.getByRole('radio', { name: / om \d\d:\d\d$/ }).nth(1);
    const label = (await slot.getAttribute('aria-label'))!;
    await slot.check();
    await page.getByRole('button', { name: /^Verplaatsen naar / }).click();

    // What the citizen sees: the new time, no error box.
    const time = label.split(' om ')[1]!;
    await page.getByRole('paragraph').filter({ hasText: /Uw afspraak is verplaatst naar/ }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error is shown');
    await page.getByText(new RegExp(time)).first().waitFor();

    // What the server holds: the same appointment at the new time, the old time offered again.
    const after = await appointmentRow();
    assert.equal(after.id, before.id);
    assert.notEqual(after.startAt, before.startAt);
    const day = before.startAt.slice(0, 10);
    const slots = await fetch(`${base}/api/services/mantelzorgpremie/slots?channel=video&from=${day}&days=1`).then((r) => r.json());
    assert.ok(slots.slots.some((s: { start: string }) => s.start === before.startAt), 'the old time is free again');

    // And a mail tells the citizen.
    await openMail(page, base, 'Uw afspraak is verplaatst', time);
  });

  it('adds a companion after booking and removes them again', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    const mail = await openMail(page, base, 'Uw afspraak is bevestigd');
    await mail.locator('a[href*="balie="]').first().click();
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();
    await page.getByText('Er komt niemand mee.').waitFor();

    await page.getByRole('button', { name: 'Iemand toevoegen' }).click();
    await page.getByLabel('Naam van de persoon die meekomt').fill('Jan Claes');
    await page.getByLabel('E-mailadres van de persoon die meekomt').fill('jan@example.org');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('paragraph').filter({ hasText: 'Jan Claes is toegevoegd en krijgt een e-mail met een eigen link.' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Jan Claes' }).waitFor();
    const { id } = await appointmentRow();
    const companions = async () =>
      (await journey.server.app.db.q.selectFrom('companions').select('name').where('appointment_id', '=', id).where('removed_at', 'is', null).execute()).map((c) => c.name);
    assert.deepEqual(await companions(), ['Jan Claes']);
    // The invitation went to the companion.
    for (let i = 0; i < 40 && !(await sentMails(journey.server)).some((m) => m.to.includes('jan@example.org')); i++) await page.waitForTimeout(100);
    assert.ok((await sentMails(journey.server)).some((m) => m.to.includes('jan@example.org')), 'the companion got an invitation');

    await page.getByRole('button', { name: 'Jan Claes verwijderen' }).click();
    await page.getByRole('paragraph').filter({ hasText: 'Jan Claes is verwijderd.' }).waitFor();
    await page.getByText('Er komt niemand mee.').waitFor();
    assert.deepEqual(await companions(), []);
  });

  it('switches a video call to the counter and back: the citizen sees where, the server holds it, a mail says so', async () => {
    const page = await journey.page();
    const base = journey.server.url;
    const els = { name: 'Els Maes', email: 'els@example.org' };
    await bookOnDemoSite(page, base, els);
    const { id } = await appointmentRow(els.email);
    const row = () =>
      journey.server.app.db.q.selectFrom('appointments').select(['channel', 'location_id as locationId', 'start_at as startAt']).where('id', '=', id).executeTakeFirstOrThrow();
    const mailsToEls = async (subject: string) => (await sentMails(journey.server)).filter((m) => m.to.includes(els.email) && m.subject.startsWith(subject));

    const mail = await openMail(page, base, 'Uw afspraak is bevestigd', els.name);
    await mail.locator('a[href*="balie="]').first().click();
    await page.getByRole('heading', { name: 'Uw afspraak' }).waitFor();

    // To the counter: which counter first (both have free times), then a free time there.
    await page.getByRole('button', { name: 'Liever naar het loket komen' }).click();
    await page.getByRole('heading', { name: 'Liever naar het loket komen' }).waitFor();
    await page.getByRole('group', { name: 'Naar welk loket wilt u komen?' }).waitFor();
    await page.getByRole('radio', { name: /Sociaal Huis/ }).check();
    const slot = page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
    const label = (await slot.getAttribute('aria-label'))!;
    await slot.check();
    await page.getByRole('button', { name: /^Wijzigen naar / }).click();

    // What the citizen sees: where and when, no error, no video buttons any more, the way back offered.
    const time = label.split(' om ')[1]!;
    const done = page.getByRole('paragraph').filter({ hasText: 'U komt nu naar het loket: Sociaal Huis, Kerkstraat 12, 9999 Wilsede, op' });
    await done.waitFor();
    assert.match((await done.textContent())!, new RegExp(time));
    assert.equal(await page.getByRole('alert').count(), 0, 'no error is shown');
    await page.getByRole('definition').filter({ hasText: 'Aan het loket: Sociaal Huis, Kerkstraat 12, 9999 Wilsede' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Camera en microfoon testen' }).count(), 0, 'no device test for a counter visit');
    await page.getByRole('button', { name: 'Liever een videogesprek' }).waitFor();

    // What the server holds, and the mail.
    const atCounter = await row();
    assert.deepEqual({ channel: atCounter.channel, locationId: atCounter.locationId }, { channel: 'counter', locationId: 'sociaal-huis' });
    let moved = await mailsToEls('Uw afspraak is verplaatst');
    assert.equal(moved.length, 1);
    assert.match(moved[0]!.text, /U komt naar het loket: Sociaal Huis, Kerkstraat 12, 9999 Wilsede\./);
    assert.match(moved[0]!.text, new RegExp(time));

    // And back to a video call: no counter to choose, straight to the times.
    await page.getByRole('button', { name: 'Liever een videogesprek' }).click();
    await page.getByRole('heading', { name: 'Liever een videogesprek' }).waitFor();
    assert.equal(await page.getByRole('radio', { name: /Sociaal Huis|Gemeentehuis/ }).count(), 0);
    await page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first().check();
    await page.getByRole('button', { name: /^Wijzigen naar / }).click();
    await page.getByRole('paragraph').filter({ hasText: /^Uw afspraak is nu een videogesprek, op / }).waitFor();
    await page.getByRole('definition').filter({ hasText: 'Videogesprek van thuis uit' }).waitFor();
    await page.getByRole('button', { name: 'Liever naar het loket komen' }).waitFor();
    const backToVideo = await row();
    assert.deepEqual({ channel: backToVideo.channel, locationId: backToVideo.locationId }, { channel: 'video', locationId: null });
    moved = await mailsToEls('Uw afspraak is verplaatst');
    assert.equal(moved.length, 2);
    assert.match(moved[1]!.text, /Het gesprek is een videogesprek\./);
    // The counter time is free again.
    const day = atCounter.startAt.slice(0, 10);
    const slots = await fetch(`${base}/api/services/mantelzorgpremie/slots?channel=counter&location=sociaal-huis&from=${day}&days=1`).then((r) => r.json());
    assert.ok(slots.slots.some((s: { start: string }) => s.start === atCounter.startAt), 'the counter time is free again');
  });
});
