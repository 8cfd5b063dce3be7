import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `size` bytes that pass the server's content check as a PDF: the signature, then random bytes. */
export function pdfBytes(size: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

/**
 * Files on disk for a browser's file input: Chromium reads them itself, where a buffer would cross
 * the DevTools pipe base64-encoded (slow for tens of megabytes).
 */
export function tempFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'balie-upload-'));
  return {
    write(name: string, bytes: Uint8Array) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Limits what the page can send to `bytesPerSecond` with Chromium's network emulation (DevTools
 * protocol), so "in the middle of an upload" is a moment a test can wait for, not a race. Holds
 * across reloads of the page.
 */
export async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return cdp;
}

/** The upload rows of the page's documents panel(s): name, state and percentage as shown. */
export function shownUploads(page: Page, panel = 'balie-documents-panel') {
  return page.locator(`${panel} li[data-upload]`).evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('.name')?.textContent ?? '',
      state: row.getAttribute('data-upload') ?? '',
      percent: Number(row.querySelector('progress')?.getAttribute('value') ?? 0),
    })),
  );
}

/** Polls `check` until it is true; fails with `what` after the timeout. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Records the widget's public upload and document events on the page (they bubble out of the
 * element, composed), for `recordedEvents` to read.
 */
export async function recordBalieEvents(page: Page) {
  await page.addInitScript(() => {
    const seen: { type: string; detail: unknown; at: number }[] = [];
    (window as unknown as { balieEvents: typeof seen }).balieEvents = seen;
    for (const type of ['balie-upload-completed', 'balie-document-received', 'balie-upload-progress'])
      document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail, at: Date.now() }));
  });
}

export const recordedEvents = (page: Page, type: string): Promise<any[]> =>
  page.evaluate((wanted) => (window as unknown as { balieEvents: { type: string; detail: unknown }[] }).balieEvents.filter((e) => e.type === wanted).map((e) => e.detail), type);
