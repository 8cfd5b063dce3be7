import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { book } from '../../../../test-support/booking.ts';
import { startChildServer, type ChildServer } from '../../../../test-support/child-server.ts';
import { api, dropTestSchema, firstSlot, freePort, startTestServer, testClock, testDatabaseEnv } from '../../../../test-support/server.ts';
import { openPatch, tusClient } from '../../../../test-support/tus.ts';
import { pdfBytes, sha256 } from '../../../../test-support/uploads.ts';

const MB = 1024 * 1024;
/** Like the widget's uploader: whole chunks, each acknowledged before the next. */
const CHUNK = MB;

type Upload = {
  name: string;
  owner: 'a' | 'b';
  bytes: Buffer;
  sha256: string;
  url: string;
  /** Bytes the server acknowledged with a 204 before the kill. */
  acknowledged: number;
  /** Bytes that left the test before the kill. */
  sent: number;
  /** The offset the restarted server reported. */
  kept: number;
};

/**
 * Four tus uploads for two appointments run at once against the server in a child process; each has
 * some chunks acknowledged and one PATCH in flight (one of them with all but its last bytes) when the
 * server is killed with SIGKILL. After a restart on the same DATA_DIR every upload resumes from the
 * offset the server kept and must end byte-identical, listed once, for its own appointment only.
 */
describe('reliability: SIGKILL in the middle of four concurrent uploads, then a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-upload-crash-'));
  const children: ChildServer[] = [];
  const tokens = { a: '', b: '' };
  let port: number;
  let uploads: Upload[];
  let second: ChildServer;
  let listedWhileRunning: number;

  const client = (u: Upload, url: string) => tusClient(url, { token: tokens[u.owner] });
  const listing = (url: string, owner: 'a' | 'b') => api(url, '/api/appointment/documents', { token: tokens[owner] });

  before(async () => {
    // An in-process server seeds the demo data and books two appointments on the real clock.
    const seeding = await startTestServer({ dataDir, clock: testClock(new Date()) });
    tokens.a = (await book(seeding, await firstSlot(seeding.url), { citizen: { name: 'An Peeters', email: 'an@example.org' } })).token;
    tokens.b = (await book(seeding, await firstSlot(seeding.url), { citizen: { name: 'Bart Maes', email: 'bart@example.org' } })).token;
    await seeding.stop();

    port = await freePort();
    const first = await startChildServer({ dataDir, port, env: testDatabaseEnv(dataDir) });
    children.push(first);
    uploads = [3, 5, 8, 12].map((size, i) => {
      const bytes = pdfBytes(size * MB + 4321 * i); // not a whole number of chunks
      return { name: `bijlage-${i}.pdf`, owner: i % 2 ? 'b' : 'a', bytes, sha256: sha256(bytes), url: '', acknowledged: 0, sent: 0, kept: NaN };
    });

    const inFlight = await Promise.all(
      uploads.map(async (u, i) => {
        const tus = client(u, first.url);
        const created = await tus.create(u.bytes.length, { filename: u.name });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        u.url = created.url;
        // One to three acknowledged chunks, then a PATCH with the rest of the file that is cut off.
        for (let c = 0; c < 1 + (i % 3); c++) {
          const chunk = u.bytes.subarray(u.acknowledged, u.acknowledged + CHUNK);
          const answer = await tus.patch(u.url, u.acknowledged, chunk);
          assert.equal(answer.status, 204, JSON.stringify(answer.body));
          u.acknowledged += chunk.length;
          assert.equal(Number(answer.headers.get('upload-offset')), u.acknowledged);
        }
        const rest = u.bytes.subarray(u.acknowledged);
        const sendFirst = i === 3 ? rest.length - 64 * 1024 : Math.floor(rest.length / 2);
        const patch = openPatch(u.url, { token: tokens[u.owner] }, u.acknowledged, rest, sendFirst);
        await patch.sent;
        u.sent = u.acknowledged + sendFirst;
        return patch;
      }),
    );
    // While the four PATCHes wait for their last bytes, nothing of them is a document yet.
    listedWhileRunning = (await listing(first.url, 'a')).body.documents.length + (await listing(first.url, 'b')).body.documents.length;
    await sleep(100); // let the server write what it received
    first.kill('SIGKILL');
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
    const statuses = await Promise.all(inFlight.map((p) => p.settled));
    assert.deepEqual(statuses, [0, 0, 0, 0], 'every PATCH in flight was cut off by the kill');

    second = await startChildServer({ dataDir, port, env: testDatabaseEnv(dataDir) });
    children.push(second);
  });

  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await child.exited;
    }
    await dropTestSchema(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('then, while they ran, no upload was listed as a document', () => {
    assert.equal(listedWhileRunning, 0);
  });

  it('then after the restart no unfinished upload is listed as a document for either appointment', async () => {
    for (const owner of ['a', 'b'] as const) {
      const list = await listing(second.url, owner);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.deepEqual(list.body.documents, [], `documents of appointment ${owner} before the uploads finished`);
    }
  });

  it('then each upload kept at least what was acknowledged and at most what was sent, and none is complete', async () => {
    for (const u of uploads) {
      const head = await client(u, second.url).head(u.url);
      assert.equal(head.status, 200, `HEAD ${u.name}`);
      u.kept = head.offset;
      assert.ok(u.kept >= u.acknowledged && u.kept <= u.sent, `${u.name}: kept ${u.kept}, acknowledged ${u.acknowledged}, sent ${u.sent}`);
      assert.ok(u.kept < u.bytes.length, `${u.name} is not complete`);
    }
  });

  describe('when every upload resumes from the offset the server kept', () => {
    before(async () => {
      await Promise.all(
        uploads.map(async (u) => {
          const tus = client(u, second.url);
          for (let offset = u.kept; offset < u.bytes.length; ) {
            const chunk = u.bytes.subarray(offset, offset + CHUNK);
            const answer = await tus.patch(u.url, offset, chunk);
            assert.equal(answer.status, 204, `${u.name} at ${offset}: ${JSON.stringify(answer.body)}`);
            offset += chunk.length;
            assert.equal(Number(answer.headers.get('upload-offset')), offset);
          }
        }),
      );
    });

    it('then every file is listed exactly once, for its own appointment only, with its SHA-256', async () => {
      for (const owner of ['a', 'b'] as const) {
        const list = await listing(second.url, owner);
        const shown = list.body.documents.map((d: { filename: string; sha256: string; size: number }) => ({ filename: d.filename, sha256: d.sha256, size: d.size }));
        const expected = uploads.filter((u) => u.owner === owner).map((u) => ({ filename: u.name, sha256: u.sha256, size: u.bytes.length }));
        const byName = (x: { filename: string }, y: { filename: string }) => x.filename.localeCompare(y.filename);
        assert.deepEqual(shown.sort(byName), expected.sort(byName), `documents of appointment ${owner}`);
      }
    });

    it('then each download and each stored file is byte-identical to what was sent', async () => {
      for (const owner of ['a', 'b'] as const) {
        for (const doc of (await listing(second.url, owner)).body.documents as { id: string; filename: string }[]) {
          const u = uploads.find((x) => x.name === doc.filename)!;
          const response = await fetch(`${second.url}/api/appointment/documents/${doc.id}/file`, { headers: { authorization: `Bearer ${tokens[owner]}` } });
          assert.equal(response.status, 200);
          const downloaded = Buffer.from(await response.arrayBuffer());
          assert.equal(sha256(downloaded), u.sha256, `download of ${u.name}`);
          assert.ok(downloaded.equals(u.bytes), `download of ${u.name}`);
          assert.ok(readFileSync(join(dataDir, 'documents', doc.id)).equals(u.bytes), `stored bytes of ${u.name}`);
        }
      }
    });
  });
});
