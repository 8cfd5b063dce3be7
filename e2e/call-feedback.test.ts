import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { testClock } from '../test-support/server.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
const COMMENT = 'Vlot geholpen, maar ik moest weg voor het einde.';

/** Polls `check` until it is true; fails with `what` after the timeout. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('feedback when the citizen leaves the call first', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('offers the survey on leaving, once; a beheerder reads the comment on the dashboard without a name, a medewerker does not see it', async () => {
    const { server } = journey;
    const base = server.url;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { id, token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);
    const column = async (name: 'call_started_at' | 'call_ended_at' | 'feedback_given') =>
      (await server.app.db.q.selectFrom('appointments').select(name).where('id', '=', id).executeTakeFirstOrThrow())[name];

    const [citizen, staff] = [await journey.page(), await journey.page()];
    await enterWaitingRoom(citizen, base, token);
    await startCallAsStaff(staff, base);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    const leave = citizen.getByRole('button', { name: 'Gesprek verlaten' });
    await leave.waitFor();
    await eventually(async () => (await column('call_started_at')) !== null, 'the call to start');

    // The citizen hangs up while the civil servant is still in the call: the survey comes at once.
    await leave.click();
    const survey = citizen.getByRole('group', { name: 'Hoe was uw gesprek?' });
    await survey.waitFor();
    await citizen.getByRole('radio', { name: '4' }).check();
    await citizen.getByLabel('Wilt u nog iets kwijt?').fill(COMMENT);
    await citizen.getByRole('button', { name: 'Versturen' }).click();
    await citizen.getByText('Bedankt voor uw mening!').waitFor();
    assert.deepEqual(await server.app.db.q.selectFrom('feedback').select(['score', 'comment']).execute(), [{ score: 4, comment: COMMENT }]);
    assert.equal(await column('call_ended_at'), null, 'the call itself was not ended');
    assert.equal(await column('feedback_given'), 1);

    // Back into the call (no second admission needed) and out again: not asked a second time.
    await citizen.getByRole('button', { name: 'Naar het videogesprek' }).click();
    await leave.click();
    await citizen.getByRole('heading', { name: 'Gesprek verlaten' }).waitFor();
    await citizen.getByRole('button', { name: 'Naar het videogesprek' }).waitFor();
    assert.equal(await survey.count(), 0, 'the survey is not offered twice');
    const { n } = await server.app.db.q.selectFrom('feedback').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(n), 1);

    // An, a beheerder, reads it on the impact dashboard: service, day, score and text, no name.
    await staff.getByRole('button', { name: 'Impact' }).click();
    await staff.getByLabel('Van', { exact: true }).fill('2027-03-01');
    await staff.getByLabel('Tot en met', { exact: true }).fill('2027-03-31');
    await staff.getByRole('button', { name: 'Toon' }).click();
    const comments = staff.getByRole('region', { name: 'Opmerkingen van burgers' });
    const row = comments.getByRole('row').filter({ hasText: COMMENT });
    await row.waitFor();
    assert.deepEqual(await row.getByRole('cell').allInnerTexts(), ['Mantelzorgpremie', 'maandag 1 maart 2027', '4', COMMENT]);
    assert.doesNotMatch(await comments.innerText(), /Marie|Claes/);
    const link = comments.getByRole('link', { name: 'Opmerkingen downloaden als CSV' });
    assert.match((await link.getAttribute('href')) ?? '', /\/api\/staff\/dashboard\/comments\.csv\?from=2027-03-01&to=2027-03-31$/);

    // Bart, a medewerker, sees the figures but not the comments.
    const colleague = await journey.page();
    await colleague.goto(`${base}/medewerker`);
    await colleague.getByLabel('E-mailadres').fill(staffEmail.bart);
    await colleague.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await colleague.getByRole('button', { name: 'Aanmelden' }).click();
    await colleague.getByRole('button', { name: 'Impact' }).click();
    await colleague.getByLabel('Van', { exact: true }).fill('2027-03-01');
    await colleague.getByLabel('Tot en met', { exact: true }).fill('2027-03-31');
    await colleague.getByRole('button', { name: 'Toon' }).click();
    await colleague.getByRole('heading', { name: 'Verdeling van de scores' }).waitFor();
    assert.equal(await colleague.getByRole('heading', { name: 'Opmerkingen van burgers' }).count(), 0);
    assert.equal(await colleague.getByText(COMMENT).count(), 0);
  });
});
