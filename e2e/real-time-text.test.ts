import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { keystrokeLatencies, recordShown, recordTyping, rttInput, rttRegion } from '../test-support/rtt.ts';
import { testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { expectAnnounced, recordAnnouncements } from './a11y-support.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels; join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
/** EN 301 549 6.2.4: a character typed appears on the other side within 500 ms. */
const RTT_LIMIT_MS = 500;

type Journey = Awaited<ReturnType<typeof startJourney>>;

/** The text `name` typed, as `page` shows it. */
const shownText = (page: Page, name: string) => rttRegion(page, name).locator('[data-rtt-text]');

/** Polls until `page` shows exactly `text` for `name`. */
async function expectShown(page: Page, name: string, text: string) {
  const region = shownText(page, name);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await region.evaluate((el) => el.textContent ?? '');
    if (now === text) return;
    if (Date.now() > deadline) assert.fail(`${name}'s text on the page reads ${JSON.stringify(now)}, not ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls the panel's polite live region (the staff console has no citizen root to record from). */
async function expectRttAnnounced(page: Page, text: string) {
  const region = page.locator('balie-rtt-panel [data-rtt-announcement]');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const said = await region.evaluate((el) => el.textContent ?? '');
    if (said.includes(text)) return;
    if (Date.now() > deadline) assert.fail(`the real-time text live region says ${JSON.stringify(said)}, not ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('real-time text in the call: a citizen who prefers text, her interpreter and the civil servant', () => {
  let journey: Journey;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('the booking option shows in the agenda, opens the panel for all three, and each one\'s typing reaches the others letter by letter', async () => {
    const base = journey.server.url;
    const server = journey.server;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(
      server,
      { start, channel: 'video', locationId: null },
      { prefersText: true, companion: { name: 'Saïd Tolk', email: 'tolk@example.org', role: 'interpreter' } },
    );
    const companionToken = linkToken((await sentMails(server)).find((m) => m.to === 'tolk@example.org')!.text);
    server.clock.set(JUST_BEFORE);

    // Staff see the option in the agenda, on Marie's row, before the call.
    const agenda = await journey.page();
    await agenda.goto(`${base}/medewerker`);
    await agenda.getByLabel('E-mailadres').fill(staffEmail.an);
    await agenda.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
    await agenda.getByRole('button', { name: 'Aanmelden' }).click();
    await agenda.getByRole('row', { name: /Marie/ }).getByText('Gebruikt liever tekst').waitFor();
    // And in her dossier.
    await agenda.getByRole('row', { name: /Marie/ }).getByRole('button', { name: /Dossier van Marie/ }).click();
    await agenda.locator('[data-prefers-text]').waitFor();
    await agenda.close();

    const [citizen, interpreter, staff] = [await journey.page(), await journey.page(), await journey.page()];
    await enterWaitingRoom(citizen, base, token);
    await enterWaitingRoom(interpreter, base, companionToken);
    await startCallAsStaff(staff, base);
    await recordAnnouncements(citizen);
    await staff.getByRole('button', { name: 'Iedereen binnenlaten' }).click();

    // Opened by itself for everyone, with a region per other participant, labelled with their name.
    for (const page of [citizen, interpreter, staff]) await rttInput(page).waitFor({ timeout: 30_000 });
    await expectAnnounced(citizen, /Tekst in real time staat open/);
    for (const [page, others] of [
      [citizen, ['Saïd Tolk', 'An Peeters']],
      [interpreter, ['Marie Claes', 'An Peeters']],
      [staff, ['Marie Claes', 'Saïd Tolk']],
    ] as const) {
      for (const name of others) await rttRegion(page, name).waitFor({ timeout: 30_000 });
    }
    // Ours is a labelled box, apart from the others' regions.
    assert.equal(await citizen.getByLabel('U typt:').count(), 1);

    // The channels open alongside the call's own; give every pair's T.140 channel a moment to open.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // The citizen types; both others see each letter within 500 ms (measured in both pages).
    const typed = await recordTyping(citizen);
    const atStaff = await recordShown(staff, 'Marie Claes');
    const atInterpreter = await recordShown(interpreter, 'Marie Claes');
    await rttInput(citizen).pressSequentially('Goedemorgen', { delay: 80 });
    await expectShown(staff, 'Marie Claes', 'Goedemorgen');
    await expectShown(interpreter, 'Marie Claes', 'Goedemorgen');
    const keystrokes = await typed();
    assert.equal(keystrokes.length, 'Goedemorgen'.length);
    for (const [where, shown] of [['staff', await atStaff()], ['interpreter', await atInterpreter()]] as const) {
      const latencies = keystrokeLatencies(keystrokes, shown);
      const worst = Math.max(...latencies);
      assert.ok(worst < RTT_LIMIT_MS, `at the ${where}, a letter took ${worst.toFixed(0)} ms (all: ${latencies.map((l) => l.toFixed(0)).join(', ')})`);
      // The display follows T.140's transmission interval: not every keystroke is a redraw.
      assert.ok(shown.length < keystrokes.length, `${shown.length} redraws for ${keystrokes.length} keystrokes`);
    }

    // Erasing and correcting: backspaces, then a correction in the middle of the text.
    await rttInput(citizen).press('Backspace');
    await rttInput(citizen).press('Backspace');
    await expectShown(staff, 'Marie Claes', 'Goedemorg');
    await rttInput(citizen).pressSequentially('en, ik hb een vraag');
    await expectShown(staff, 'Marie Claes', 'Goedemorgen, ik hb een vraag');
    // The caret back into "hb", an "e" typed there: the others see the corrected word.
    await rttInput(citizen).evaluate((el) => (el as HTMLTextAreaElement).setSelectionRange(17, 17));
    await rttInput(citizen).press('e');
    await expectShown(staff, 'Marie Claes', 'Goedemorgen, ik heb een vraag');
    await expectShown(interpreter, 'Marie Claes', 'Goedemorgen, ik heb een vraag');

    // A new line: the finished line is read out to a screen reader with who wrote it.
    await rttInput(citizen).press('Control+End');
    await rttInput(citizen).press('Enter');
    await rttInput(citizen).pressSequentially('Over de premie.');
    await expectShown(staff, 'Marie Claes', 'Goedemorgen, ik heb een vraag\nOver de premie.');
    await expectRttAnnounced(staff, 'Marie Claes schrijft: Goedemorgen, ik heb een vraag');

    // Everyone sees everyone's stream: the civil servant and the interpreter type too, multi-byte letters included.
    await rttInput(staff).pressSequentially('Welkom, zeg het maar 😀');
    await rttInput(interpreter).pressSequentially('Ik tolk: €50?');
    await expectShown(citizen, 'An Peeters', 'Welkom, zeg het maar 😀');
    await expectShown(interpreter, 'An Peeters', 'Welkom, zeg het maar 😀');
    await expectShown(citizen, 'Saïd Tolk', 'Ik tolk: €50?');
    await expectShown(staff, 'Saïd Tolk', 'Ik tolk: €50?');
    await rttInput(staff).press('Backspace');
    await expectShown(citizen, 'An Peeters', 'Welkom, zeg het maar ');

    // Separate from the chat: nothing typed here shows as a chat message.
    assert.equal(await citizen.getByText('Over de premie.', { exact: true }).count(), 0, 'no chat message of the real-time text');
  });
});
