import exifr from 'exifr';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { book } from '../test-support/booking.ts';
import { phonePhoto, PLAIN_JPEG, PLAIN_JPEG_SIZE } from '../test-support/photos.ts';
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
    const photo = PLAIN_JPEG; // no metadata: stored as it came

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

  it('a photo from the phone camera with its GPS position is stored without any metadata, and still shows as the same picture', async () => {
    const { server } = journey;
    const { token, id } = await book(server, await firstSlot(server.url));
    const photo = phonePhoto({ orientation: 6 });
    assert.ok((await exifr.gps(photo))?.latitude, 'the photo carries a position when it leaves the phone');

    const page = await journey.page();
    await page.goto(`${server.url}/?balie=${token}`);
    await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
    await page.locator('balie-documents-panel #photo-input').setInputFiles({ name: 'IMG_2031.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByRole('status').filter({ hasText: 'is verstuurd' }).waitFor({ state: 'attached' });

    const staff = await signIn(server);
    const [document] = (await staff.request(`/api/staff/appointments/${id}`)).body.documents;
    const stored = await readFile(join(server.dataDir, 'documents', document.id));
    assert.equal(await exifr.gps(stored), undefined);
    // Only the orientation is left, so the photo still shows upright; no device, owner, XMP or IPTC.
    assert.deepEqual(await exifr.parse(stored, { tiff: true, exif: true, gps: true, ifd1: true, interop: true, xmp: true, iptc: true, translateValues: false }), { Orientation: 6 });
    assert.equal(document.sha256, sha256(stored));
    assert.equal(document.size, stored.length);
    assert.deepEqual(stored.subarray(stored.length - PLAIN_JPEG.length + 2), PLAIN_JPEG.subarray(2), 'the image data is copied, not re-encoded');

    // What staff download decodes in the browser as the same 24×16 picture, turned upright (orientation 6: 90° clockwise).
    const decoded = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      return { width: bitmap.width, height: bitmap.height };
    }, stored.toString('base64'));
    assert.deepEqual(decoded, { width: PLAIN_JPEG_SIZE.height, height: PLAIN_JPEG_SIZE.width });
  });
});
