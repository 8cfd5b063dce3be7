import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { book } from '../test-support/booking.ts';
import { firstSlot } from '../test-support/server.ts';
import { signIn } from '../test-support/staff.ts';
import { startJourney } from './support.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('citizen sends documents before the appointment, staff receive them', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('uploads a PDF and a photo in the manage view; the dossier lists them with the same SHA-256 and both sides download the same bytes', async () => {
    const { server } = journey;
    const { token, id } = await book(server, await firstSlot(server.url));
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3 * 1024 * 1024)]);
    const photo = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), randomBytes(200_000), Buffer.from('ffd9', 'hex')]);

    const page = await journey.page();
    await page.goto(`${server.url}/?balie=${token}`);
    await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
    // The picker and the camera input are hidden inputs behind buttons, as on a phone.
    await page.locator('balie-documents-panel #file-input').setInputFiles({ name: 'huurcontract.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.locator('balie-documents-panel #photo-input').setInputFiles({ name: 'vochtige-muur.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('balie-documents-panel li[data-document]').nth(1).waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: 'is verstuurd' }).waitFor({ state: 'attached' });

    const staff = await signIn(server);
    const dossier = (await staff.request(`/api/staff/appointments/${id}`)).body;
    const byName = Object.fromEntries(dossier.documents.map((d: { filename: string }) => [d.filename, d]));
    assert.equal(byName['huurcontract.pdf'].sha256, sha256(pdf));
    assert.equal(byName['huurcontract.pdf'].contentType, 'application/pdf');
    assert.equal(byName['vochtige-muur.jpg'].sha256, sha256(photo));
    assert.equal(byName['vochtige-muur.jpg'].contentType, 'image/jpeg');
    assert.equal(dossier.readiness.documents.uploaded, 2);
    for (const [name, bytes] of [['huurcontract.pdf', pdf], ['vochtige-muur.jpg', photo]] as const) {
      const response = await fetch(`${server.url}/api/staff/appointments/${id}/documents/${byName[name].id}/file`, { headers: { cookie: staff.cookie } });
      assert.equal(response.headers.get('content-disposition'), `attachment; filename="${name}"`);
      assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(bytes), name);
    }

    // The citizen downloads through the widget (fetched with the link token, saved as a file).
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'huurcontract.pdf downloaden' }).click();
    const saved = await (await download).path();
    assert.equal(sha256(await readFile(saved)), sha256(pdf));

    // Nothing is left to resume on this (possibly shared) computer.
    const traces = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tus::')));
    assert.deepEqual(traces, []);
  });
});
