import type Uppy from '@uppy/core';
import type { UppyFile } from '@uppy/core';
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, uploadError, type DocumentsApi } from '../api/client.ts';

/**
 * The first chunk of an upload, and of every resumption: small enough that a PATCH on a slow phone
 * finishes well within Node's 300 s request timeout. On a fast link chunks grow (`nextChunkSize`).
 */
export const CHUNK_SIZE = 5 * 1024 * 1024;
/** The largest chunk: at 0.25 MB/s (a weak mobile line) it still finishes within the 300 s. */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;
/** A chunk is sized to take about this long at the speed of the one before. */
const CHUNK_TARGET_MS = 1000;

/**
 * The size of the next chunk, after one of `bytes` took `ms` from request to answer: what the link
 * carries in CHUNK_TARGET_MS, at most twice the current size, within CHUNK_SIZE … MAX_CHUNK_SIZE (whole
 * MiB). Every PATCH waits for the answer to the one before, so on a fast link 5 MiB chunks spend a
 * good part of the time between requests (issue 16: ~95 MB/s per chunk vs 115–140 for one request);
 * on a slow one they stay at 5 MiB. Resuming after an interruption starts at CHUNK_SIZE again.
 */
export function nextChunkSize(current: number, bytes: number, ms: number) {
  const fits = (bytes / Math.max(ms, 1)) * CHUNK_TARGET_MS;
  const size = Math.min(MAX_CHUNK_SIZE, 2 * current, Math.max(CHUNK_SIZE, fits));
  return Math.max(CHUNK_SIZE, Math.floor(size / (1024 * 1024)) * 1024 * 1024);
}
/**
 * tus-js-client retries a failed request after each delay in turn (the count starts over once bytes
 * flow again). Dense at first, since a retry is one HEAD and a server restart takes seconds; ~4.5
 * minutes in all covers a deploy or a long loss of network.
 */
const RETRY_DELAYS = [0, 1000, 2000, 3000, 5000, 5000, 10_000, 10_000, 15_000, 15_000, 20_000, 30_000, 30_000, 60_000, 60_000];

export interface UploadItem {
  /** Uppy's file id: name, type, size and date of the file, prefixed with the appointment. */
  id: string;
  name: string;
  size: number;
  bytesUploaded: number;
  state: 'uploading' | 'paused' | 'checking' | 'failed';
  error?: ApiError;
}

type Meta = { appointmentId: string; requiredDocumentId?: string };
export type Pending = {
  file: File;
  requiredDocumentId?: string;
  /** When the server removes the unfinished upload (ms since 1970): the file is of no use after. */
  expiresAt?: number;
};

/** The server's default expiry of an unfinished upload, until its own `Upload-Expires` is known. */
const DEFAULT_EXPIRY_MS = 24 * 60 * 60 * 1000;

let pendingStore: UseStore | undefined;
/**
 * Files of unfinished uploads, so a reload resumes without asking for them again; removed when done,
 * refused or expired. Keys are `<uppy id>|<Uppy file id>` (an uppy id holds no `|`).
 */
export const pending = () => (pendingStore ??= openPendingStore());

/**
 * Firefox throws a SecurityError synchronously from `indexedDB.open` when the site may not store
 * anything (cookies blocked for it, some private-window and embedded settings), and a browser may
 * lack IndexedDB altogether. Uploads must go on then, only without resuming after a reload: a store
 * that refuses every use, which each caller already treats as "nothing kept" (issue 13).
 */
function openPendingStore(): UseStore {
  // idb-keyval opens the database on first use, inside the store function: that is where it throws.
  const store = createStore('digitale-balie', 'pending-uploads');
  return (mode, callback) => {
    try {
      return store(mode, callback);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/**
 * Forgets tus-js-client's resume entries of a file: localStorage `tus::<fingerprint>::<n>`
 * (tus-js-client browser/urlStorage.js), where @uppy/tus makes the fingerprint
 * `tus-<Uppy file id>-<endpoint>` (lib/getFingerprint.js).
 */
function forgetResumeUrls(fileId: string) {
  try {
    const prefix = `tus::tus-${fileId}-`;
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
  } catch {
    // no localStorage (sandboxed frame): tus-js-client kept nothing there either
  }
}

/**
 * Drops the unfinished uploads the server has removed by now, of every appointment on this device:
 * the file in IndexedDB and its tus URL in localStorage (a shared PC must not keep a citizen's
 * documents). An entry from before expiries were stored gets the default from now. Returns the rest.
 */
async function dropExpired(all: [IDBValidKey, Pending][], now = Date.now()) {
  const live: [string, Pending][] = [];
  for (const [key, entry] of all) {
    const name = String(key);
    if (entry.expiresAt === undefined) void set(name, { ...entry, expiresAt: now + DEFAULT_EXPIRY_MS } satisfies Pending, pending()).catch(() => {});
    if ((entry.expiresAt ?? Infinity) <= now) {
      await del(name, pending()).catch(() => {});
      forgetResumeUrls(name.slice(name.indexOf('|') + 1));
    } else live.push([name, entry]);
  }
  return live;
}

/**
 * Resumable uploads of one appointment with @uppy/core + @uppy/tus, headless: the panel draws the UI.
 * Uppy is imported on first use only. Resume state: tus URLs in localStorage under fingerprints that
 * include the appointment (removed on success), and the unfinished files in IndexedDB.
 */
export class UploadsController implements ReactiveController {
  items: UploadItem[] = [];
  private uppy?: Promise<Uppy<Meta>>;
  private readonly uppyId: string;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: {
      api: DocumentsApi;
      maxFileBytes: () => number;
      onProgress: (item: UploadItem) => void;
      onSent: (item: UploadItem, documentId: string) => void;
    },
  ) {
    const { access } = opts.api;
    this.uppyId = `balie-${access.kind}-${access.appointmentId}`;
    host.addController(this);
  }

  private connected = false;

  hostConnected() {
    this.connected = true;
    void this.restore();
    // Uppy loads while the panel is being read, so a picked file starts at once (~0.5 s sooner on a
    // busy machine, measured in bench/upload.ts).
    setTimeout(() => this.connected && void this.load());
  }

  hostDisconnected() {
    this.connected = false;
    // Pauses by closing the connections; the tus URLs and the files stay for a later visit.
    void this.uppy?.then((uppy) => uppy.destroy());
    this.uppy = undefined;
    this.items = [];
  }

  add(files: Iterable<File>, requiredDocumentId?: string) {
    for (const file of files) void this.addOne(file, requiredDocumentId, true);
  }

  pause = (id: string) => void this.uppy?.then((u) => u.pauseResume(id));
  resume = (id: string) => void this.uppy?.then((u) => u.pauseResume(id));
  retry = (id: string) => void this.uppy?.then((u) => u.retryUpload(id));
  /** Stops the upload and deletes what reached the server (tus termination). */
  cancel = (id: string) => {
    void this.uppy?.then((u) => u.removeFile(id));
    this.forget(id);
  };

  private key = (fileId: string) => `${this.uppyId}|${fileId}`;

  private async restore() {
    const live = await dropExpired(await entries<string, Pending>(pending()).catch(() => []));
    const mine = live.filter(([key]) => key.startsWith(`${this.uppyId}|`));
    for (const [, { file, requiredDocumentId }] of mine) await this.addOne(file, requiredDocumentId, false);
  }

  private readonly expiryKnown = new Set<string>();

  /** Keeps the server's own expiry with the file, the first time an answer tells it. */
  private async recordExpiry(fileId: string, expiresAt: number) {
    const key = this.key(fileId);
    if (this.expiryKnown.has(key)) return;
    this.expiryKnown.add(key);
    const entry = await get<Pending>(key, pending()).catch(() => undefined);
    // Not once the upload is forgotten: writing now would bring back the file of a finished upload.
    if (entry && this.items.some((i) => i.id === fileId)) await set(key, { ...entry, expiresAt } satisfies Pending, pending()).catch(() => {});
  }

  private async addOne(file: File, requiredDocumentId: string | undefined, fresh: boolean) {
    const max = this.opts.maxFileBytes();
    if (max && file.size > max) {
      this.items = [...this.items, { id: `${file.name}-${Date.now()}`, name: file.name, size: file.size, bytesUploaded: 0, state: 'failed', error: new ApiError(413, 'file_too_large', '') }];
      this.host.requestUpdate();
      return;
    }
    const uppy = await this.load();
    const meta: Meta = { appointmentId: this.opts.api.access.appointmentId, ...(requiredDocumentId ? { requiredDocumentId } : {}) };
    let id: string;
    try {
      id = uppy.addFile({ name: file.name, type: file.type, data: file, meta });
    } catch {
      return; // the same file is already on its way
    }
    if (fresh) await set(this.key(id), { file, requiredDocumentId, expiresAt: Date.now() + DEFAULT_EXPIRY_MS } satisfies Pending, pending()).catch(() => {});
    this.items = [...this.items, { id, name: file.name, size: file.size, bytesUploaded: 0, state: 'uploading' }];
    this.host.requestUpdate();
  }

  private forget(id: string) {
    void del(this.key(id), pending()).catch(() => {});
    this.items = this.items.filter((i) => i.id !== id);
    this.host.requestUpdate();
  }

  private update(id: string, patch: Partial<UploadItem>) {
    this.items = this.items.map((i) => (i.id === id ? { ...i, ...patch } : i));
    this.host.requestUpdate();
    return this.items.find((i) => i.id === id);
  }

  private load() {
    this.uppy ??= (async () => {
      const [{ default: UppyCore }, { default: Tus }] = await Promise.all([import('@uppy/core'), import('@uppy/tus')]);
      const { api } = this.opts;
      // tus-js-client hands the same request object to both hooks; only the first knows the file.
      const fileOfRequest = new WeakMap<object, string>();
      // When each PATCH was sent, to size the next chunk by the speed of this one.
      const sentAt = new WeakMap<object, number>();
      // tus-js-client reads its `chunkSize` option anew for each chunk (Upload#_addChunkToRequest).
      const uploadOf = (fileId: string) => uppy.getPlugin('Tus')?.uploaders[fileId]?.options;
      const uppy = new UppyCore<Meta>({ id: this.uppyId, autoProceed: true, allowMultipleUploadBatches: true }).use(Tus, {
        endpoint: api.uploadEndpoint,
        headers: api.headers,
        withCredentials: api.access.kind === 'staff',
        chunkSize: CHUNK_SIZE,
        retryDelays: RETRY_DELAYS,
        removeFingerprintOnSuccess: true,
        limit: 2,
        // Only what the server reads; the file's name goes as `filename`, its type is judged by content.
        allowedMetaFields: ['appointmentId', 'requiredDocumentId', 'name'],
        // 507: the server has no room for documents; minutes of retries would not change that.
        onShouldRetry: (error, _attempt, _opts, next) => error.originalResponse?.getStatus() !== 507 && next(error),
        onBeforeRequest: (req, file) => {
          fileOfRequest.set(req, file.id);
          const options = uploadOf(file.id);
          // A HEAD asks where to go on: the upload (re)starts after a pause, reload or failure.
          if (req.getMethod() === 'HEAD' && options) options.chunkSize = CHUNK_SIZE;
          if (req.getMethod() === 'PATCH') sentAt.set(req, performance.now());
        },
        onAfterResponse: (req, res) => {
          const fileId = fileOfRequest.get(req);
          const expiresAt = Date.parse(res.getHeader('Upload-Expires') ?? '');
          if (fileId && expiresAt) void this.recordExpiry(fileId, expiresAt);
          const sent = sentAt.get(req);
          const options = fileId ? uploadOf(fileId) : undefined;
          const bytes = Number(res.getHeader('Upload-Offset')) - Number(req.getHeader('Upload-Offset'));
          if (sent !== undefined && options?.chunkSize && res.getStatus() === 204 && bytes > 0) {
            options.chunkSize = nextChunkSize(options.chunkSize, bytes, performance.now() - sent);
          }
        },
      });
      const byFile = (file: UppyFile<Meta, Record<string, never>> | undefined) => file?.id ?? '';
      uppy.on('upload-progress', (file, progress) => {
        const done = progress.bytesTotal !== null && progress.bytesUploaded >= progress.bytesTotal;
        const item = this.update(byFile(file), { bytesUploaded: progress.bytesUploaded, state: done ? 'checking' : 'uploading', error: undefined });
        if (item) this.opts.onProgress(item);
      });
      uppy.on('upload-pause', (file, isPaused) => this.update(byFile(file), { state: isPaused ? 'paused' : 'uploading' }));
      uppy.on('upload-success', (file, response) => {
        const id = byFile(file);
        const item = this.items.find((i) => i.id === id);
        const documentId = response.uploadURL?.split('/').pop() ?? '';
        // After @uppy/tus has let go of it: removing it earlier would try to terminate the finished upload.
        setTimeout(() => uppy.getFile(id) && uppy.removeFile(id));
        this.forget(id);
        if (item) this.opts.onSent({ ...item, bytesUploaded: item.size }, documentId);
      });
      uppy.on('upload-error', (file, _error, response) => {
        const xhr = (response?.body as { xhr?: XMLHttpRequest } | undefined)?.xhr;
        const error = uploadError(response?.status ?? xhr?.status ?? 0, xhr?.responseText ?? '');
        const id = byFile(file);
        // A refusal is final: the server deleted the bytes, so nothing is kept to resume.
        if (error.status >= 400 && error.status < 500) void del(this.key(id), pending()).catch(() => {});
        this.update(id, { state: 'failed', error });
      });
      return uppy;
    })();
    return this.uppy;
  }
}
