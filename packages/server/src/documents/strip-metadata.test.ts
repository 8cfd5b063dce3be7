import exifr from 'exifr';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { PERSONAL, phonePhoto, PLAIN_JPEG, PLAIN_PNG, pngWithMetadata } from '../../../../test-support/photos.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';
import { stripJpeg, stripPng } from './strip-metadata.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Every metadata block exifr knows how to read, so "nothing found" means nothing is there. */
const everything = { tiff: true, exif: true, gps: true, interop: true, ifd1: true, xmp: true, iptc: true, icc: false, jfif: false, ihdr: false, mergeOutput: true };
const readable = (bytes: Buffer) => bytes.toString('latin1');

describe('photo metadata', () => {
  describe('stripJpeg', () => {
    it('when a phone photo carries GPS, device, owner, XMP, IPTC, a comment and a second picture, then what remains is the plain image byte for byte', async () => {
      const photo = phonePhoto();
      assert.ok((await exifr.gps(photo)).latitude > 51, 'the fixture carries a position');
      const stripped = stripJpeg(photo)!;
      assert.deepEqual(stripped, PLAIN_JPEG); // compressed data, tables and ICC profile untouched
      assert.equal(await exifr.gps(stripped), undefined);
      assert.equal(await exifr.parse(stripped, everything), undefined);
      for (const text of Object.values(PERSONAL)) assert.ok(!readable(stripped).includes(text), text);
    });

    it('when the photo says it was taken rotated, then only that orientation is kept, so it still shows upright', async () => {
      const stripped = stripJpeg(phonePhoto({ orientation: 6 }), await exifr.orientation(phonePhoto({ orientation: 6 })))!;
      assert.deepEqual(await exifr.parse(stripped, { ...everything, translateValues: false }), { Orientation: 6 });
      assert.equal(await exifr.gps(stripped), undefined);
      assert.deepEqual(stripped.subarray(stripped.length - PLAIN_JPEG.length + 2), PLAIN_JPEG.subarray(2));
    });

    it('when the structure is broken, then undefined (the upload is refused, not stored with its metadata)', () => {
      assert.equal(stripJpeg(phonePhoto().subarray(0, 40)), undefined);
      assert.equal(stripJpeg(Buffer.concat([PLAIN_JPEG.subarray(0, 20), Buffer.from('not a segment')])), undefined);
    });
  });

  describe('stripPng', () => {
    it('when a PNG carries eXIf, text, XMP, a time and a private chunk, then only the image chunks remain', async () => {
      const png = pngWithMetadata();
      assert.ok((await exifr.gps(png))?.latitude, 'the fixture carries a position');
      assert.deepEqual(stripPng(png), PLAIN_PNG);
    });
  });

  describe('uploads', () => {
    let server: TestServer;
    let appointment: { id: string; token: string };
    const documentsDir = () => join(server.dataDir, 'documents');

    before(async () => {
      server = await startTestServer({ clock: testClock('2027-03-01T06:00:00Z') });
      appointment = await book(server, await firstSlot(server.url));
    });
    after(() => server.cleanup());

    it('when a citizen sends a phone photo, then the stored file has no metadata, and size and SHA-256 are those of the stored bytes', async () => {
      const client = tusClient(server.url, { token: appointment.token });
      const done = await client.upload(phonePhoto(), { filename: 'vochtige-muur.jpg' });
      assert.equal(done.status, 204, JSON.stringify(done.body));
      const id = new URL(done.url).pathname.split('/').pop()!;
      const stored = readFileSync(join(documentsDir(), id));
      assert.deepEqual(stored, PLAIN_JPEG);
      assert.equal(await exifr.parse(stored, everything), undefined);

      const listed = (await api(server.url, '/api/appointment/documents', { token: appointment.token })).body.documents.find((d: { id: string }) => d.id === id);
      assert.equal(listed.sha256, sha256(stored));
      assert.equal(listed.size, stored.length);
      const downloaded = Buffer.from(await (await fetch(`${server.url}/api/appointment/documents/${id}/file`, { headers: { authorization: `Bearer ${appointment.token}` } })).arrayBuffer());
      assert.deepEqual(downloaded, PLAIN_JPEG);
      // tus sees the upload complete at its new length: nothing invites a PATCH to append to checked bytes.
      const head = await client.head(done.url);
      assert.equal(head.offset, stored.length);
      const append = await client.patch(done.url, stored.length, Buffer.from('more'));
      assert.ok(append.status >= 400 && append.status < 500, `appending was answered ${append.status}`);
      assert.deepEqual(readFileSync(join(documentsDir(), id)), PLAIN_JPEG);
    });

    it('when staff send a PNG with metadata, then it is stripped too: every client is covered', async () => {
      const staff = await signIn(server);
      const done = await tusClient(server.url, { cookie: staff.cookie, csrfToken: staff.csrfToken }).upload(pngWithMetadata(), { appointmentId: appointment.id, filename: 'plan.png' });
      assert.equal(done.status, 204, JSON.stringify(done.body));
      assert.deepEqual(readFileSync(join(documentsDir(), new URL(done.url).pathname.split('/').pop()!)), PLAIN_PNG);
    });

    it('when a photo without metadata is sent, then it is stored as it came', async () => {
      const done = await tusClient(server.url, { token: appointment.token }).upload(PLAIN_JPEG, { filename: 'plain.jpg' });
      assert.equal(done.status, 204);
      assert.deepEqual(readFileSync(join(documentsDir(), new URL(done.url).pathname.split('/').pop()!)), PLAIN_JPEG);
    });

    it('when a JPEG cannot be followed to its image data, then 422 image_damaged and nothing is kept', async () => {
      const broken = Buffer.concat([phonePhoto().subarray(0, 300), Buffer.from('garbage where a segment should be')]);
      const done = await tusClient(server.url, { token: appointment.token }).upload(broken, { filename: 'kapot.jpg' });
      assertApiError(done, 422, 'image_damaged');
      assert.equal(existsSync(join(documentsDir(), new URL(done.url).pathname.split('/').pop()!)), false);
    });
  });
});
