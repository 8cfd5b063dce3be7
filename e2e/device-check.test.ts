import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { book } from '../test-support/booking.ts';
import { passDeviceCheck } from '../test-support/call-journey.ts';
import { startCoturn } from '../test-support/coturn.ts';
import { brokenDeviceFiles } from '../test-support/fake-devices.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { firstSlot, testClock } from '../test-support/server.ts';
import { startJourney } from './support.ts';

// Booked on Sunday for Monday 09:00 in Brussels (08:00Z): the device-test link works days before;
// the meeting (and with it the TURN credentials) opens at 07:45Z.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
/** The staff agenda opens on the server's today. */
const MONDAY_MORNING = '2027-03-01T06:00:00Z';
const TURN_SECRET = 'coturn-secret-for-the-device-test';
/** The microphone check gives up after 6 s of silence; a loaded machine gets room on top. */
const SLOW = { timeout: 40_000 };

type Journey = Awaited<ReturnType<typeof startJourney>>;

/** What a screen reader reads: the marks and the words hidden for the eye, in one line. */
const textOf = async (locator: Locator) => (await locator.textContent())!.replace(/\s+/g, ' ').replace(/ ,/g, ',').trim();

const part = (page: Page, name: string) => page.locator(`balie-device-check li[data-part="${name}"]`);

/** Waits until the part of the device test shows `state` (passed, failed, …). */
async function partState(page: Page, name: string, state: string) {
  await page.locator(`balie-device-check li[data-part="${name}"][data-state="${state}"]`).waitFor(SLOW);
}

/** Books Monday 09:00 by video and opens the device-test link from the confirmation mail. */
async function openDeviceTest(journey: Journey) {
  const { id, token } = await book(journey.server, await firstSlot(journey.server.url));
  const page = await journey.page();
  await page.goto(`${journey.server.url}/?balie=${token}&balie-stap=toestel`);
  await page.getByRole('heading', { name: 'Test uw camera en microfoon' }).waitFor();
  return { id, token, page };
}

const storedParts = async (journey: Journey, id: string) =>
  JSON.parse(String((await journey.server.app.db.q.selectFrom('appointments').select('device_check_parts').where('id', '=', id).executeTakeFirstOrThrow()).device_check_parts));

/** The civil servant's readiness column for Marie's appointment, as text. */
async function agendaReadiness(journey: Journey) {
  journey.server.clock.set(MONDAY_MORNING);
  const staff = await journey.page();
  await staff.goto(`${journey.server.url}/medewerker`);
  await staff.getByLabel('E-mailadres').fill(staffEmail.an);
  await staff.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await staff.getByRole('button', { name: 'Aanmelden' }).click();
  await staff.getByLabel('Afspraken van').selectOption({ label: 'Het hele team' });
  const row = staff.getByRole('row', { name: /Marie/ });
  await row.waitFor();
  return { staff, text: await textOf(row.locator('.device-parts')) };
}

describe('device test: a black camera and a silent microphone', () => {
  let journey: Journey;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balie-fake-devices-'));
    journey = await startJourney({ clock: testClock(SUNDAY) }, brokenDeviceFiles(dir));
  });
  after(async () => {
    await journey.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the camera shows only black and the microphone hears nothing, then both fail with help, and staff see camera ✗, microfoon ✗', async () => {
    const { id, page } = await openDeviceTest(journey);
    await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
    await partState(page, 'camera', 'failed');
    await page.getByText('Uw camera toont alleen zwart.').waitFor();
    await partState(page, 'microphone', 'failed');
    await page.getByText('We hoorden niets. Staat uw microfoon niet uit').waitFor();
    await partState(page, 'network', 'passed');
    assert.match(await page.getByRole('status').filter({ hasText: 'Niet alles werkt.' }).innerText(), /Hieronder leest u wat u kunt doen/);
    assert.equal(await page.getByText(/^Alles werkt\./).count(), 0, 'no "Alles werkt." for a black camera');
    // The citizen can test again (the same black picture fails again), and says the chime was heard.
    await part(page, 'camera').getByRole('button', { name: 'Camera opnieuw testen' }).click();
    await partState(page, 'camera', 'failed');
    await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
    await page.getByRole('button', { name: 'Ja', exact: true }).click();
    await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await page.getByRole('heading', { name: /^Niet alles werkte\./ }).waitFor();

    assert.deepEqual(await storedParts(journey, id), { camera: 'failed', microphone: 'failed', speaker: 'passed', network: 'passed' });
    const { staff, text } = await agendaReadiness(journey);
    assert.match(text, /^camera ✗ werkt niet, microfoon ✗ werkt niet, luidspreker ✓ in orde, netwerk ✓ in orde$/);
    await staff.getByRole('button', { name: /Dossier van Marie/ }).click();
    const preparation = staff.getByRole('region', { name: 'Voorbereiding' });
    assert.match(await textOf(preparation.locator('.device-parts')), /camera ✗ werkt niet, microfoon ✗ werkt niet/);
  });
});

describe('device test: the default fake camera and microphone', () => {
  let journey: Journey;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
  });
  after(() => journey.close());

  it('when the picture moves and the microphone beeps, then camera and microphone pass, and after "Ja" everything works', async () => {
    const { id, page } = await openDeviceTest(journey);
    await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
    await partState(page, 'camera', 'passed');
    await partState(page, 'microphone', 'passed');
    await partState(page, 'network', 'passed');
    assert.match(await part(page, 'network').innerText(), /Internetverbinding: werkt \(\d+ ms heen en terug naar de gemeente\)/);
    // Not done before the citizen answers the speaker question.
    assert.equal(await part(page, 'speaker').getAttribute('data-state'), 'asking');
    assert.equal(await page.getByText(/^Alles werkt\./).count(), 0);
    await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
    await page.getByRole('button', { name: 'Ja', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Alles werkt\./ }).waitFor();
    await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await page.getByRole('heading', { name: /^Alles werkt\./ }).waitFor();
    assert.deepEqual(await storedParts(journey, id), { camera: 'passed', microphone: 'passed', speaker: 'passed', network: 'passed' });
    const { text } = await agendaReadiness(journey);
    assert.match(text, /^camera ✓ in orde, microfoon ✓ in orde, luidspreker ✓ in orde, netwerk ✓ in orde$/);
  });

  it('when the citizen did not hear the test sound, then the speaker fails with help; heard on a second try, it passes', async () => {
    const { id, page } = await openDeviceTest(journey);
    await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
    await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
    await page.getByRole('button', { name: 'Nee', exact: true }).click();
    await partState(page, 'speaker', 'failed');
    await part(page, 'speaker').getByText('Zet het geluid van uw computer of telefoon harder').waitFor();
    await page.getByRole('status').filter({ hasText: 'Niet alles werkt.' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Nee', exact: true }).getAttribute('aria-pressed'), 'true', 'the answer shows');

    // Volume up, play again: heard.
    await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
    await page.getByRole('button', { name: 'Ja', exact: true }).click();
    await partState(page, 'speaker', 'passed');
    await page.getByRole('status').filter({ hasText: /^Alles werkt\./ }).waitFor(SLOW);
    await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await page.getByRole('heading', { name: /^Alles werkt\./ }).waitFor();
    assert.equal((await storedParts(journey, id)).speaker, 'passed');
  });

  it('when the citizen goes on while a part is still being tested, then that part is stored as skipped', async () => {
    const { id, page } = await openDeviceTest(journey);
    await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
    await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await page.getByRole('heading', { name: /^Alles werkt\./ }).waitFor();
    assert.equal((await storedParts(journey, id)).speaker, 'skipped');
  });
});

describe('device test: the relay route through TURN', () => {
  let coturn: Awaited<ReturnType<typeof startCoturn>>;
  before(async () => {
    coturn = await startCoturn(TURN_SECRET);
  });
  after(() => coturn.stop());

  /** A journey whose server signs TURN credentials with `serverSecret`, relay only; the citizen is at the device check, meeting open. */
  async function atDeviceCheck(serverSecret: string) {
    const journey = await startJourney({ clock: testClock(SUNDAY), env: { TURN_URLS: coturn.url, TURN_SECRET: serverSecret, TURN_RELAY_ONLY: 'true' } });
    const { token } = await book(journey.server, await firstSlot(journey.server.url));
    journey.server.clock.set(JUST_BEFORE);
    const page = await journey.page();
    await page.goto(`${journey.server.url}/?balie=${token}`);
    await page.getByRole('button', { name: 'Naar het videogesprek' }).click();
    await page.getByRole('button', { name: 'Beginnen' }).click();
    return { journey, page };
  }

  it('when coturn hands out a relay candidate, then the network passes', async () => {
    const { journey, page } = await atDeviceCheck(TURN_SECRET);
    try {
      await passDeviceCheck(page);
      assert.equal(await part(page, 'network').getAttribute('data-state'), 'passed');
    } finally {
      await journey.close();
    }
  });

  it('when the relay refuses the credentials, then the network fails and says plainly that the call will not get through', async () => {
    const { journey, page } = await atDeviceCheck('a-secret-coturn-does-not-know');
    try {
      await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
      await partState(page, 'network', 'failed');
      await part(page, 'network').getByText('Uw netwerk laat het videogesprek niet door').waitFor();
      await partState(page, 'camera', 'passed');
    } finally {
      await journey.close();
    }
  });
});
