import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { linkToken, sentMails } from '../test-support/outbox.ts';
import { testClock } from '../test-support/server.ts';
import { expectAnnounced, expectForcedColorsVisible, expectIndependentOfRootFontSize, expectNoMotion, expectReflow, recordAnnouncements } from './a11y-support.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels; join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';

/** True when `target` is the element that has focus, looking through every shadow root. */
const hasFocus = (target: Locator) =>
  target.evaluate((element) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active === element;
  });

/** Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user would; fails after `max`. */
async function tabTo(page: Page, target: Locator, { back = false, max = 40 } = {}) {
  await target.waitFor();
  for (let i = 0; i < max; i++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} did not reach ${target}`);
}

/** Tabs to `target` and activates it with `key`. */
async function activate(page: Page, target: Locator, key: 'Enter' | ' ' = 'Enter') {
  await tabTo(page, target);
  await page.keyboard.press(key === ' ' ? 'Space' : key);
}

/**
 * Tabs to `button` and presses `key` on it; resolves with the file chooser it opens. One more try
 * when none opens: on a busy machine a reconnect can re-render the call between the Tab and the key.
 */
async function openFileChooser(page: Page, button: Locator, key: 'Enter' | 'Space', back = false) {
  for (let attempt = 1; ; attempt++) {
    await tabTo(page, button, { back });
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.keyboard.press(key);
    try {
      return await chooser;
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
}

/** A step change moved focus to the new step's heading (so a screen reader reads it out). */
async function expectFocusOn(target: Locator, what: string) {
  const deadline = Date.now() + 10_000;
  await target.waitFor();
  while (!(await hasFocus(target))) {
    if (Date.now() > deadline) throw new Error(`focus did not move to ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the whole citizen journey with the keyboard only', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('books, manages, checks devices, waits, is admitted, uses the call controls, uploads and gives feedback', async () => {
    const base = journey.server.url;
    const page = await journey.page();
    const { keyboard } = page;
    const heading = (name: string | RegExp, opts: { exact?: boolean } = {}) => page.getByRole('heading', { name, ...opts });

    // Book: every step's heading takes focus.
    await page.goto(`${base}/`);
    await recordAnnouncements(page);
    await activate(page, page.getByRole('button', { name: 'Mantelzorgpremie' }));
    await expectFocusOn(heading('Hoe wilt u ons spreken?'), 'the channel step');
    await tabTo(page, page.getByRole('radio', { name: /Videogesprek/ }));
    await keyboard.press('Space');
    await activate(page, page.getByRole('button', { name: 'Verder' }));
    await expectFocusOn(heading('Kies een dag en uur'), 'the time step');
    const firstSlot = page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
    await tabTo(page, firstSlot);
    await keyboard.press('Space');
    assert.equal(await firstSlot.isChecked(), true);
    await activate(page, page.getByRole('button', { name: 'Verder' }));
    await expectFocusOn(heading('Uw gegevens'), 'the details step');

    // An empty form: the error summary takes focus and is an alert.
    await activate(page, page.getByRole('button', { name: 'Verder' }));
    await expectFocusOn(page.getByRole('alert').filter({ hasText: 'Voor- en achternaam' }), 'the error summary');
    await tabTo(page, page.getByLabel('Voor- en achternaam'));
    await keyboard.type('Marie Claes');
    await tabTo(page, page.getByLabel('E-mailadres', { exact: true }));
    await keyboard.type('marie@example.org');
    await tabTo(page, page.getByLabel('Voor wie zorgt u?'));
    await keyboard.type('Mijn ouders');
    await tabTo(page, page.getByRole('checkbox', { name: 'Komt er iemand mee in het gesprek?' }));
    await keyboard.press('Space');
    await tabTo(page, page.getByLabel('Naam van de persoon die meekomt'));
    await keyboard.type('Saïd Tolk');
    await tabTo(page, page.getByLabel('E-mailadres van de persoon die meekomt'));
    await keyboard.type('tolk@example.org');
    await expectReflow(page, page.locator('balie-booking-form'), 'the booking form');
    await activate(page, page.getByRole('button', { name: 'Verder' }));
    await expectFocusOn(heading('Kijk uw afspraak na'), 'the review step');
    await tabTo(page, page.getByRole('checkbox', { name: /toestemming/ }));
    await keyboard.press('Space');
    await activate(page, page.getByRole('button', { name: 'Afspraak bevestigen' }));
    await expectFocusOn(heading('Uw afspraak is bevestigd'), 'the confirmation');

    // Manage: the appointment opens with its heading focused.
    await activate(page, page.getByRole('button', { name: 'Mijn afspraak bekijken' }));
    await expectFocusOn(heading('Uw afspraak', { exact: true }), 'the manage view');

    // Join: welcome, device check, waiting room.
    journey.server.clock.set(JUST_BEFORE);
    await activate(page, page.getByRole('button', { name: 'Naar het videogesprek' }));
    await expectFocusOn(heading('Welkom bij uw videogesprek'), 'the welcome screen');
    await activate(page, page.getByRole('button', { name: 'Beginnen' }));
    await expectFocusOn(heading('Test uw camera en microfoon'), 'the device check');
    await activate(page, page.getByRole('button', { name: 'Camera en microfoon aanzetten' }));
    await expectFocusOn(heading('Test uw camera en microfoon'), 'the device check with the camera on');
    // The speaker question, answered with the keyboard too.
    await activate(page, page.getByRole('button', { name: 'Testgeluid afspelen' }));
    await activate(page, page.getByRole('button', { name: 'Ja', exact: true }));
    await expectAnnounced(page, 'Alles werkt.');
    const toLobby = page.getByRole('button', { name: 'Naar de wachtkamer' });
    await tabTo(page, toLobby);
    await expectForcedColorsVisible(page, toLobby, [page.locator('balie-device-check meter')], 'the device check');
    await keyboard.press('Enter');
    await expectFocusOn(heading('U bent in de wachtkamer'), 'the waiting room');
    await expectAnnounced(page, 'De medewerker laat u zo binnen.');

    // The interpreter waits too; the civil servant admits both (with the mouse: this is the citizen's test).
    const invite = (await sentMails(journey.server)).find((m) => m.to === 'tolk@example.org')!;
    const companion = await journey.page();
    await enterWaitingRoom(companion, base, linkToken(invite.text));
    const staff = await journey.page();
    await startCallAsStaff(staff, base);
    await staff.getByRole('button', { name: 'Iedereen binnenlaten' }).click();
    await expectAnnounced(page, 'U bent binnengelaten.');
    await expectFocusOn(heading('Mantelzorgpremie'), 'the call');
    await expectAnnounced(page, 'Saïd Tolk neemt deel aan het gesprek.');

    // Call controls: toggles keep their name and say their state (pressed = muted).
    const mute = page.getByRole('button', { name: 'Microfoon uit' });
    assert.equal(await mute.getAttribute('aria-pressed'), 'false');
    await activate(page, mute);
    const unmute = mute;
    assert.equal(await unmute.getAttribute('aria-pressed'), 'true');
    await expectFocusOn(unmute, 'the same toggle');
    await expectForcedColorsVisible(page, unmute, [unmute], 'the call controls');
    await expectNoMotion(page, 'the call');
    await expectReflow(page, page.locator('balie-call-view'), 'the call');
    const call = page.locator('balie-call-view');
    await expectIndependentOfRootFontSize(
      page,
      [call.locator('.controls'), call.locator('balie-chat-panel ol'), call.locator('balie-documents-panel section'), call.locator('.side')],
      'the call',
    );
    await activate(page, page.getByRole('button', { name: 'Camera uit' }), ' ');
    assert.equal(await page.getByRole('button', { name: 'Camera uit' }).getAttribute('aria-pressed'), 'true');
    await tabTo(page, page.getByLabel('Bericht'));
    await keyboard.type('Goedemorgen');
    await keyboard.press('Enter');
    // The civil servant gets it in the chat list, and read out by the console's live region.
    await staff.locator('balie-chat-panel').getByText('Goedemorgen').waitFor();
    await staff.getByRole('status').filter({ hasText: ': Goedemorgen' }).first().waitFor();

    // The interpreter leaves: announced, the call goes on.
    await companion.close();
    await expectAnnounced(page, 'Saïd Tolk heeft het gesprek verlaten.');
    // The civil servant's console says it too.
    await staff.getByRole('status').filter({ hasText: 'Saïd Tolk heeft het gesprek verlaten.' }).waitFor({ state: 'attached' });

    // Upload through the file chooser, opened with the keyboard; success and refusal are announced.
    const choose = page.locator('balie-call-view balie-documents-panel').getByRole('button', { name: 'Kies bestanden' });
    await (await openFileChooser(page, choose, 'Enter')).setFiles({ name: 'attest.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nattest\n') });
    await expectAnnounced(page, 'attest.pdf is verstuurd.');
    await (await openFileChooser(page, choose, 'Space', true)).setFiles({ name: 'programma.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a document') });
    await expectAnnounced(page, 'Dit soort bestand kunnen we niet aannemen.');

    // The civil servant ends the call; feedback with arrows and Enter.
    await staff.getByRole('button', { name: 'Gesprek beëindigen' }).click();
    await expectFocusOn(heading('Het gesprek is afgelopen'), 'the end screen');
    await tabTo(page, page.getByRole('radio', { name: '1 – slecht' }));
    for (let i = 0; i < 4; i++) await keyboard.press('ArrowDown');
    assert.equal(await page.getByRole('radio', { name: '5 – heel goed' }).isChecked(), true);
    await activate(page, page.getByRole('button', { name: 'Versturen' }));
    await expectFocusOn(page.getByRole('paragraph').filter({ hasText: 'Bedankt voor uw mening!' }), 'the thanks');
    assert.deepEqual((await journey.server.app.db.q.selectFrom('feedback').select('score').execute()).map((f) => f.score), [5]);
  });
});
