import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { book } from '../test-support/booking.ts';
import { startChildServer, type ChildServer } from '../test-support/child-server.ts';
import { firstSlot, freePort, type TestServer } from '../test-support/server.ts';
import { eventually, pdfBytes, recordBalieEvents, recordedEvents, sha256, shownUploads, tempFiles, throttleUploads } from '../test-support/uploads.ts';
import { launchChromium, startJourney } from './support.ts';

// 12 MB at 1.5 MB/s: about 8 s of sending in 5 MB chunks (the widget's), so the test can act at ~35%.
const SIZE = 12 * 1024 * 1024;
const THROTTLE = 1.5 * 1024 * 1024;
const NAME = 'huurcontract.pdf';

/** What a page sent to /files: creations, and the offset each PATCH started at. */
function watchTus(page: Page) {
  const seen = { creations: 0, patchOffsets: [] as number[], uploadId: '' };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'POST' && path === '/files') seen.creations++;
    if (request.method() === 'PATCH' && path.startsWith('/files/')) seen.patchOffsets.push(Number(request.headers()['upload-offset']));
  });
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/files') seen.uploadId = (response.headers().location ?? '').split('/').pop()!;
  });
  return seen;
}

/** What the shared computer keeps for unfinished uploads: tus fingerprints and pending files. */
const resumeTraces = (page: Page) =>
  page.evaluate(async () => {
    const fingerprints = Object.keys(localStorage).filter((key) => key.startsWith('tus::'));
    const pending = await new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('digitale-balie');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('pending-uploads')) return resolve(0);
        const count = db.transaction('pending-uploads').objectStore('pending-uploads').count();
        count.onsuccess = () => resolve(count.result);
        count.onerror = () => reject(count.error);
      };
    });
    return { fingerprints, pending };
  });

/** Opens the manage view of the personal link, throttled, and picks the file. */
async function startUpload(page: Page, base: string, token: string, path: string) {
  await recordBalieEvents(page);
  await throttleUploads(page, THROTTLE);
  await page.goto(`${base}/?balie=${token}`);
  await page.getByRole('heading', { name: 'Documenten', exact: true }).waitFor();
  await page.locator('balie-documents-panel #file-input').setInputFiles(path);
}

const percentShown = async (page: Page) => (await shownUploads(page))[0]?.percent ?? 0;

describe('an upload survives a reload of the page', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  const files = tempFiles();
  before(async () => {
    journey = await startJourney();
  });
  after(async () => {
    await journey.close();
    files.remove();
  });

  it('resumes where the server stopped after a reload, ends byte-identical and leaves no resumable trace', async () => {
    const { server } = journey;
    const { token, id } = await book(server, await firstSlot(server.url));
    const bytes = pdfBytes(SIZE);
    const page = await journey.page();
    const tus = watchTus(page);
    await startUpload(page, server.url, token, files.write(NAME, bytes));

    await eventually(async () => (await percentShown(page)) >= 35, 'a third of the upload');
    assert.equal(await page.locator('balie-documents-panel li[data-document]').count(), 0, 'nothing listed before it is complete');
    const beforeReload = await resumeTraces(page);
    assert.equal(beforeReload.fingerprints.length, 1, 'the tus URL is kept under a fingerprint while unfinished');
    assert.match(beforeReload.fingerprints[0]!, new RegExp(id), 'the fingerprint names the appointment');
    assert.equal(beforeReload.pending, 1, 'the unfinished file is kept in IndexedDB');
    const patchesBefore = tus.patchOffsets.length;

    await page.reload();
    // The panel picks the file up again by itself, without asking the citizen for it.
    await page.locator('balie-documents-panel li[data-upload]').waitFor();
    await page.locator('balie-documents-panel li[data-document]', { hasText: NAME }).waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: 'is verstuurd' }).waitFor({ state: 'attached' });

    assert.equal(tus.creations, 1, 'resumed the same upload, not a new one');
    const resumedAt = tus.patchOffsets[patchesBefore]!;
    assert.ok(resumedAt > 0.25 * SIZE, `the first PATCH after the reload starts at ${resumedAt}, where the server stopped`);
    const [completed] = await recordedEvents(page, 'balie-upload-completed');
    assert.equal(completed.sha256, sha256(bytes));
    assert.equal(completed.size, SIZE);
    assert.deepEqual(await readFile(join(server.dataDir, 'documents', completed.id)), bytes);
    assert.deepEqual(await resumeTraces(page), { fingerprints: [], pending: 0 });
  });
});

describe('an upload survives the server being killed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-kill-'));
  const files = tempFiles();
  let browser: Browser;
  let port: number;
  let servers: ChildServer[] = [];
  const start = async () => {
    const server = await startChildServer({ dataDir, port });
    servers.push(server);
    return server;
  };
  before(async () => {
    port = await freePort();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    servers = [];
  });
  after(async () => {
    await browser.close();
    rmSync(dataDir, { recursive: true, force: true });
    files.remove();
  });

  it('resumes by itself after SIGKILL and a restart; nothing shows as sent before it is; the file is byte-identical', async () => {
    const first = await start();
    const { token } = await book({ url: first.url } as TestServer, await firstSlot(first.url));
    const bytes = pdfBytes(SIZE);
    const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    const tus = watchTus(page);
    await startUpload(page, first.url, token, files.write(NAME, bytes));

    await eventually(async () => (await percentShown(page)) >= 35, 'a third of the upload');
    first.kill('SIGKILL');
    await first.exited;
    const partial = join(dataDir, 'documents', tus.uploadId);
    const killedAt = (await stat(partial)).size;
    assert.ok(killedAt > 0 && killedAt < SIZE, `the server had ${killedAt} bytes when it died`);

    // Restarting takes seconds (loading the code); meanwhile the page keeps the upload open: not
    // sent, not being checked, not listed.
    const second = start();
    await page.waitForTimeout(1000);
    assert.deepEqual(
      (await shownUploads(page)).map((u) => u.state),
      ['uploading'],
    );
    assert.equal(await page.locator('balie-documents-panel li[data-document]').count(), 0);
    assert.deepEqual(await recordedEvents(page, 'balie-upload-completed'), []);

    await second;
    await page.locator('balie-documents-panel li[data-document]', { hasText: NAME }).waitFor({ timeout: 30_000 });
    const completed = await recordedEvents(page, 'balie-upload-completed');
    assert.equal(completed.length, 1);
    assert.equal(completed[0].sha256, sha256(bytes));
    assert.equal(tus.creations, 1, 'the same upload went on, no new one was created');
    assert.ok(
      tus.patchOffsets.some((offset) => offset > 0 && offset <= killedAt),
      `a PATCH resumed from the server's offset (${killedAt}), not from 0: ${tus.patchOffsets.join(', ')}`,
    );
    const stored = await readFile(join(dataDir, 'documents', completed[0].id));
    assert.equal(stored.length, SIZE);
    assert.ok(stored.equals(bytes), 'the stored file is byte-identical');
    assert.equal(completed[0].id, tus.uploadId);
  });
});
