import { request } from 'node:http';

/** Credentials for /files: a personal link token, or a staff cookie with its CSRF token. */
export type TusAuth = { token: string } | { cookie: string; csrfToken?: string } | Record<string, never>;

const authHeaders = (auth: TusAuth): Record<string, string> =>
  'token' in auth
    ? { authorization: `Bearer ${auth.token}` }
    : 'cookie' in auth
      ? { cookie: auth.cookie, ...(auth.csrfToken ? { 'x-csrf-token': auth.csrfToken } : {}) }
      : {};

const metadataHeader = (metadata: Record<string, string>) =>
  Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

export interface TusAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
}

async function answer(response: Response): Promise<TusAnswer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // tus's own answers are plain text
  }
  return { status: response.status, headers: response.headers, body };
}

/** A minimal tus 1.0 client for tests (https://tus.io/protocols/resumable-upload). */
export function tusClient(base: string, auth: TusAuth) {
  const headers = (extra: Record<string, string> = {}) => ({ 'tus-resumable': '1.0.0', ...authHeaders(auth), ...extra });
  return {
    async create(size: number, metadata: Record<string, string> = {}) {
      const response = await fetch(`${base}/files`, {
        method: 'POST',
        headers: headers({ 'upload-length': String(size), ...(Object.keys(metadata).length ? { 'upload-metadata': metadataHeader(metadata) } : {}) }),
      });
      const result = await answer(response);
      const location = response.headers.get('location');
      return { ...result, url: location ? new URL(location, base).href : '' };
    },
    async patch(url: string, offset: number, bytes: Uint8Array) {
      return answer(
        await fetch(url, {
          method: 'PATCH',
          headers: headers({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
          body: new Uint8Array(bytes),
        }),
      );
    },
    async head(url: string) {
      const response = await fetch(url, { method: 'HEAD', headers: headers() });
      return { status: response.status, offset: Number(response.headers.get('upload-offset') ?? NaN) };
    },
    async remove(url: string) {
      return answer(await fetch(url, { method: 'DELETE', headers: headers() }));
    },
    /** Creates and sends the whole file in one PATCH; returns the final answer and the upload URL. */
    async upload(bytes: Uint8Array, metadata: Record<string, string> = {}) {
      const created = await this.create(bytes.length, metadata);
      if (created.status !== 201) return { ...created, url: '' };
      return { ...(await this.patch(created.url, 0, bytes)), url: created.url };
    },
    /**
     * Sends `bytes` as a PATCH but cuts the connection after `sendFirst` of them, like a phone losing
     * its network mid-chunk. Resolves once the socket is gone.
     */
    interruptedPatch(url: string, offset: number, bytes: Uint8Array, sendFirst: number) {
      return new Promise<void>((resolve) => {
        const req = request(url, {
          method: 'PATCH',
          headers: headers({
            'upload-offset': String(offset),
            'content-type': 'application/offset+octet-stream',
            'content-length': String(bytes.length),
          }),
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(bytes.subarray(0, sendFirst), () => setTimeout(() => req.destroy(), 100));
      });
    },
  };
}

/**
 * A tus PATCH of `bytes` at `offset` that sends only the first `sendFirst` of them and keeps the
 * connection open, so a test can kill the server while the request is in flight. `sent` resolves once
 * those bytes left the client; `settled` with the status, or 0 when the connection died first.
 */
export function openPatch(url: string, auth: TusAuth, offset: number, bytes: Uint8Array, sendFirst: number) {
  let sentResolve!: () => void;
  const sent = new Promise<void>((resolve) => (sentResolve = resolve));
  const settled = new Promise<number>((resolve) => {
    const req = request(url, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        ...authHeaders(auth),
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(bytes.length),
      },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    const gone = () => {
      sentResolve();
      resolve(0);
    };
    req.on('error', gone);
    req.on('close', gone);
    req.write(bytes.subarray(0, sendFirst), () => sentResolve());
  });
  return { sent, settled };
}
