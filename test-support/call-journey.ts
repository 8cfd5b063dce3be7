import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, staffEmail } from './staff.ts';

/** What the device check should find: everything works, or all but the network (a TURN server that refuses our credentials). */
export interface DeviceExpectation {
  relayRefused?: boolean;
}

/** A citizen or companion: open the personal link, check the devices, wait in the waiting room. */
export async function enterWaitingRoom(page: Page, base: string, token: string, expect: DeviceExpectation = {}) {
  await page.goto(`${base}/?balie=${token}`);
  await checkDevicesAndWait(page, expect);
}

/** From the appointment the personal link opened: the device check, then the waiting room. */
export async function checkDevicesAndWait(page: Page, expect: DeviceExpectation = {}) {
  await page.getByRole('button', { name: 'Naar het videogesprek' }).click();
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await passDeviceCheck(page, expect);
  await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  // A failed part offers the ways forward first (issue 11); this journey goes on as it is.
  if (expect.relayRefused) await page.getByRole('button', { name: 'Toch naar de wachtkamer' }).click();
  await page.getByRole('heading', { name: 'U bent in de wachtkamer' }).waitFor();
}

/**
 * The device check with Chromium's default fake devices (a moving picture, a beep): camera and
 * microphone pass by themselves, the citizen plays the test sound and answers that they heard it.
 */
export async function passDeviceCheck(page: Page, expect: DeviceExpectation = {}) {
  await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
  await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
  await page.getByRole('button', { name: 'Ja', exact: true }).click();
  if (!expect.relayRefused) {
    await page.getByText(/^Alles werkt\./).waitFor({ timeout: 30_000 });
    return;
  }
  await page.locator('balie-device-check li[data-part="network"][data-state="failed"]').waitFor({ timeout: 30_000 });
  await page.getByText('Uw netwerk laat het videogesprek niet door').waitFor();
}

/** The civil servant on the staff console: sign in as An, open Marie's dossier, start the call. */
export async function startCallAsStaff(page: Page, base: string) {
  await page.goto(`${base}/medewerker`);
  await page.getByLabel('E-mailadres').fill(staffEmail.an);
  await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('row', { name: /Marie/ }).getByRole('button', { name: /Dossier van Marie/ }).click();
  await page.getByRole('button', { name: 'Gesprek starten' }).click();
  await page.getByRole('heading', { name: /Videogesprek met Marie/ }).waitFor();
}
