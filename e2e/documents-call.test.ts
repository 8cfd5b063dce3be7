import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom } from '../test-support/call-journey.ts';
import { testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { pdfBytes, recordBalieEvents, recordedEvents, sha256, tempFiles } from '../test-support/uploads.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
const MB = 1024 * 1024;

/** The civil servant: sign in to the console and open Marie's dossier. */
async function openDossier(page: Page, base: string) {
  await page.goto(`${base}/medewerker`);
  await page.getByLabel('E-mailadres').fill(staffEmail.an);
  await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('row', { name: /Marie/ }).getByRole('button', { name: /Dossier van Marie/ }).click();
}

async function startCallAsStaff(page: Page, base: string) {
  await openDossier(page, base);
  await page.getByRole('button', { name: 'Gesprek starten' }).click();
  await page.getByRole('heading', { name: /Videogesprek met Marie/ }).waitFor();
}

/** Clicks a document's download button in the page's documents panel; returns the saved bytes. */
async function download(page: Page, name: string) {
  const saved = page.waitForEvent('download', { timeout: 30_000 });
  await page.getByRole('button', { name: `${name} downloaden` }).click();
  return readFile((await (await saved).path())!);
}

const listed = (page: Page, name: string) => page.locator('balie-call-view balie-documents-panel li[data-document]', { hasText: name });

describe('documents during the video call', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  const files = tempFiles();
  let citizen: Page;
  let staff: Page;
  let appointmentId: string;
  let bigSha = '';
  let bigId = '';
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) });
    const { server } = journey;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const booked = await book(server, { start, channel: 'video', locationId: null });
    appointmentId = booked.id;
    server.clock.set(JUST_BEFORE);
    [citizen, staff] = [await journey.page(), await journey.page()];
    await recordBalieEvents(citizen);
    await enterWaitingRoom(citizen, server.url, booked.token);
    await startCallAsStaff(staff, server.url);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
  });
  after(async () => {
    await journey.close();
    files.remove();
  });

  it('a citizen sends 50 MB in the call; the civil servant sees it appear and gets the same SHA-256 and bytes', async () => {
    const bytes = pdfBytes(50 * MB);
    const expected = sha256(bytes);
    await citizen.locator('balie-call-view balie-documents-panel #file-input').setInputFiles(files.write('vochtige-muren.pdf', bytes));

    await listed(citizen, 'vochtige-muren.pdf').waitFor({ timeout: 30_000 });
    const [completed] = await recordedEvents(citizen, 'balie-upload-completed');
    assert.equal(completed.sha256, expected);
    assert.equal(completed.size, bytes.length);
    [bigSha, bigId] = [expected, completed.id];

    // Staff see it appear in their call without doing anything, from the citizen.
    await listed(staff, 'vochtige-muren.pdf').filter({ hasText: 'van de aanvrager' }).waitFor({ timeout: 15_000 });
    const list = await staff.evaluate((id) => fetch(`/api/staff/appointments/${id}/documents`).then((r) => r.json()), appointmentId);
    assert.equal(list.documents.find((d: { filename: string }) => d.filename === 'vochtige-muren.pdf')?.sha256, expected);
    assert.equal(sha256(await download(staff, 'vochtige-muren.pdf')), expected);
  });

  let letter: Buffer;
  it('a colleague shares from the dossier and deletes a document after confirming; the call sees both live', async () => {
    const colleague = await journey.page();
    await openDossier(colleague, journey.server.url);
    // The dossier shows each document's SHA-256, to compare with what the citizen sent.
    const uploaded = colleague.locator('balie-staff-documents li[data-document]', { hasText: 'vochtige-muren.pdf' });
    await uploaded.getByText(`SHA-256 ${bigSha}`).waitFor();

    letter = Buffer.concat([Buffer.from('%PDF-1.7\n% beslissing\n'), pdfBytes(200_000)]);
    await colleague.getByLabel('Document delen met de burger').setInputFiles(files.write('beslissing.pdf', letter));
    await colleague.getByRole('status').filter({ hasText: 'beslissing.pdf is gedeeld met de burger.' }).waitFor({ state: 'attached' });
    await colleague.locator('balie-staff-documents li[data-document]', { hasText: 'beslissing.pdf' }).getByText(`SHA-256 ${sha256(letter)}`).waitFor();
    await listed(citizen, 'beslissing.pdf').waitFor({ timeout: 15_000 });

    // Deleting asks first; "no" keeps it.
    await uploaded.getByRole('button', { name: 'vochtige-muren.pdf verwijderen' }).click();
    await uploaded.getByText('vochtige-muren.pdf definitief verwijderen?').waitFor();
    await uploaded.getByRole('button', { name: 'Nee, bewaren' }).click();
    await uploaded.getByRole('button', { name: 'vochtige-muren.pdf verwijderen' }).click();
    await uploaded.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await uploaded.waitFor({ state: 'detached' });
    await listed(citizen, 'vochtige-muren.pdf').waitFor({ state: 'detached', timeout: 15_000 });
    await listed(staff, 'vochtige-muren.pdf').waitFor({ state: 'detached', timeout: 15_000 });
    const gone = await staff.evaluate(([a, d]) => fetch(`/api/staff/appointments/${a}/documents/${d}/file`).then((r) => r.status), [appointmentId, bigId]);
    assert.equal(gone, 404);
    assert.equal(existsSync(join(journey.server.dataDir, 'documents', bigId)), false, 'the bytes are gone from the disk');
  });

  it('the civil servant shares a PDF; the citizen is told live and downloads the same bytes', async () => {
    const permit = Buffer.concat([Buffer.from('%PDF-1.4\n% reistoelating\n'), pdfBytes(300_000), Buffer.from('\n%%EOF\n')]);
    await staff.locator('balie-call-view balie-documents-panel #file-input').setInputFiles(files.write('reistoelating-getekend.pdf', permit));

    await listed(citizen, 'reistoelating-getekend.pdf').filter({ hasText: 'van de gemeente' }).waitFor({ timeout: 15_000 });
    await citizen.getByRole('status').filter({ hasText: 'Nieuw document: reistoelating-getekend.pdf.' }).waitFor({ state: 'attached' });
    const received = await recordedEvents(citizen, 'balie-document-received');
    assert.deepEqual(
      received.map((d) => [d.name, d.size, d.from, d.appointmentId]),
      [
        ['beslissing.pdf', letter.length, 'staff', appointmentId],
        ['reistoelating-getekend.pdf', permit.length, 'staff', appointmentId],
      ],
    );
    assert.equal(sha256(await download(citizen, 'reistoelating-getekend.pdf')), sha256(permit));
  });
});
