import { expect } from 'chai';
import { entries, get, set, clear } from 'idb-keyval';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DocumentsApi } from '../api/client.ts';
import { bookVideo } from '../test-support/booking.ts';
import { testServerUrl, waitFor } from '../test-support/dom.ts';
import { CHUNK_SIZE, MAX_CHUNK_SIZE, nextChunkSize, pending, UploadsController, type Pending, type UploadItem } from './uploads.ts';

const HOUR = 3_600_000;
const MiB = 1024 * 1024;

/** `waitFor` for checks that read IndexedDB. */
async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A host without a view: the controller's own state is what these tests read. */
function host(): ReactiveControllerHost & { controllers: ReactiveController[] } {
  const controllers: ReactiveController[] = [];
  return {
    controllers,
    addController: (c) => void controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
}

async function appointment() {
  const server = await testServerUrl();
  const { body } = await bookVideo({ days: 28, pick: 'any', overrides: { citizen: { name: 'Marie Claes', email: `marie-${Date.now()}@example.org` } } });
  const api = new DocumentsApi(server, { kind: 'link', appointmentId: body.appointment.id as string, token: body.token as string });
  return { server, api, token: body.token as string, uppyId: `balie-link-${body.appointment.id as string}` };
}

function uploads(api: DocumentsApi, on: { progress?: (item: UploadItem) => void; sent?: (item: UploadItem) => void } = {}) {
  return new UploadsController(host(), { api, maxFileBytes: () => 100 * 1024 * 1024, onProgress: on.progress ?? (() => {}), onSent: on.sent ?? (() => {}) });
}

const pdf = (size: number, name = 'attest.pdf') => {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes.subarray(0, 65536));
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
  return new File([bytes], name, { type: 'application/pdf', lastModified: 1_700_000_000_000 });
};
const keys = async () => (await entries<string, Pending>(pending())).map(([key]) => String(key)).sort();
const resumeUrls = () => Object.keys(localStorage).filter((k) => k.startsWith('tus::'));

afterEach(async () => {
  await clear(pending());
  localStorage.clear();
});

describe('uploads controller', () => {
  describe('unfinished uploads on the device', () => {
    it('drops an expired one (file and tus URL, of any appointment) when it starts, and keeps a fresh one', async () => {
      const { api, uppyId } = await appointment();
      const now = Date.now();
      const file = pdf(1000);
      const seeded: Record<string, Pending> = {
        [`${uppyId}|${uppyId}-old-pdf`]: { file, expiresAt: now - 1000 },
        'balie-link-other|balie-link-other-old-pdf': { file, expiresAt: now - 5 * HOUR },
        'balie-link-other|balie-link-other-fresh-pdf': { file, expiresAt: now + 20 * HOUR },
        // Stored before expiries were: it gets the default from now.
        'balie-link-other|balie-link-other-legacy-pdf': { file },
      };
      for (const [key, value] of Object.entries(seeded)) await set(key, value, pending());
      for (const fileId of [`${uppyId}-old-pdf`, 'balie-link-other-old-pdf', 'balie-link-other-fresh-pdf'])
        localStorage.setItem(`tus::tus-${fileId}-${api.uploadEndpoint}::42`, JSON.stringify({ uploadUrl: `${api.uploadEndpoint}/0123` }));

      const controller = uploads(api);
      controller.hostConnected();
      await eventually(async () => (await keys()).length === 2, 'the expired entries to go');
      expect(await keys()).to.deep.equal(['balie-link-other|balie-link-other-fresh-pdf', 'balie-link-other|balie-link-other-legacy-pdf']);
      expect(resumeUrls()).to.deep.equal([`tus::tus-balie-link-other-fresh-pdf-${api.uploadEndpoint}::42`]);
      const legacy = await eventually(async () => (await get<Pending>('balie-link-other|balie-link-other-legacy-pdf', pending()))?.expiresAt, 'a default expiry');
      expect(legacy).to.be.within(now + 23.9 * HOUR, Date.now() + 24 * HOUR);
      expect(controller.items, 'nothing of its own to resume').to.deep.equal([]);
      controller.hostDisconnected();
    });

    it('keeps the server’s Upload-Expires with a paused upload; a fresh start resumes it and sends it all', async () => {
      const { api, token } = await appointment();
      const file = pdf(12 * 1024 * 1024, 'huurcontract.pdf');
      let paused = false;
      const first = uploads(api, {
        progress: (item) => {
          if (paused) return;
          paused = true;
          first.pause(item.id);
        },
      });
      first.hostConnected();
      first.add([file]);
      await waitFor(() => first.items[0]?.state === 'paused', 'the upload to pause');
      const [key] = await keys();
      const url = await waitFor(() => resumeUrls().map((k) => JSON.parse(localStorage.getItem(k)!).uploadUrl as string)[0], 'a tus URL to resume');
      const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` } });
      const serverExpiry = Date.parse(head.headers.get('upload-expires') ?? '');
      expect(serverExpiry).to.be.within(Date.now() + 23 * HOUR, Date.now() + 25 * HOUR);
      await eventually(async () => (await get<Pending>(key!, pending()))?.expiresAt === serverExpiry, 'the server’s expiry with the file');
      first.hostDisconnected();

      let sent: UploadItem | undefined;
      const second = uploads(api, { sent: (item) => (sent = item) });
      second.hostConnected();
      await waitFor(() => sent, 'the resumed upload to finish', 30_000);
      expect(sent!.name).to.equal('huurcontract.pdf');
      await eventually(async () => (await keys()).length === 0 && resumeUrls().length === 0, 'nothing left on the device');
      second.hostDisconnected();
    });
  });
  describe('chunk size', () => {
    it('grows on a fast link, at most doubling, up to the largest chunk; stays at the first size on a slow one', () => {
      // 5 MiB in 50 ms (~100 MB/s): a second's worth would be 100 MiB, so doubling is the limit.
      expect(nextChunkSize(CHUNK_SIZE, CHUNK_SIZE, 50)).to.equal(2 * CHUNK_SIZE);
      expect(nextChunkSize(48 * MiB, 48 * MiB, 400)).to.equal(MAX_CHUNK_SIZE);
      expect(nextChunkSize(MAX_CHUNK_SIZE, MAX_CHUNK_SIZE, 100)).to.equal(MAX_CHUNK_SIZE);
      // 5 MiB in 2 s (a weak mobile line): no growth.
      expect(nextChunkSize(CHUNK_SIZE, CHUNK_SIZE, 2000)).to.equal(CHUNK_SIZE);
      // A link that slows down: 40 MiB took 4 s, so the next chunk is what fits in a second (10 MiB).
      expect(nextChunkSize(40 * MiB, 40 * MiB, 4000)).to.equal(10 * MiB);
      expect(nextChunkSize(40 * MiB, 40 * MiB, 60_000)).to.equal(CHUNK_SIZE);
    });

    it('sends a large file on a fast link in fewer, larger chunks, byte-identical', async function () {
      this.timeout(90_000);
      const { api } = await appointment();
      const size = 30 * MiB;
      const file = pdf(size, 'bouwplan.pdf');
      const patches: number[] = [];
      const open = XMLHttpRequest.prototype.open;
      XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, ...rest: unknown[]) {
        if (method === 'PATCH') patches.push(Date.now());
        return (open as (...args: unknown[]) => void).call(this, method, ...rest);
      };
      try {
        let sent: string | undefined;
        const controller = new UploadsController(host(), { api, maxFileBytes: () => 100 * MiB, onProgress: () => {}, onSent: (_item, id) => (sent = id) });
        controller.hostConnected();
        controller.add([file]);
        await waitFor(() => sent, 'the upload to finish', 60_000);
        const doc = (await api.list()).documents.find((d) => d.id === sent);
        const expected = [...new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('');
        expect(doc?.sha256).to.equal(expected);
        expect(doc?.size).to.equal(size);
        // 5 MiB chunks would be 6 requests; on loopback each chunk finishes in well under a second.
        expect(patches.length).to.be.below(size / CHUNK_SIZE);
        controller.hostDisconnected();
      } finally {
        XMLHttpRequest.prototype.open = open;
      }
    });
  });
});
