import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, staffEmail } from './staff.ts';

/** A citizen or companion: open the personal link, check the devices, wait in the waiting room. */
export async function enterWaitingRoom(page: Page, base: string, token: string) {
  await page.goto(`${base}/?balie=${token}`);
  await checkDevicesAndWait(page);
}

/** From the appointment the personal link opened: the device check, then the waiting room. */
export async function checkDevicesAndWait(page: Page) {
  await page.getByRole('button', { name: 'Naar het videogesprek' }).click();
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
  await page.getByText('Alles werkt.').waitFor();
  await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await page.getByRole('heading', { name: 'U bent in de wachtkamer' }).waitFor();
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
