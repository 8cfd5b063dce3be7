import assert from 'node:assert/strict';
import { api, type TestServer } from './server.ts';

export const DEMO_PASSWORD = 'wilsede-demo';
export const staffEmail = {
  an: 'an.peeters@wilsede.invalid',
  bart: 'bart.janssens@wilsede.invalid',
  chloe: 'chloe.dubois@wilsede.invalid',
} as const;

export interface StaffClient {
  cookie: string;
  csrfToken: string;
  staff: { id: string; name: string; role: string };
  /** `api` with the session cookie and, unless `csrf: false`, the CSRF header. */
  request(path: string, init?: { method?: string; body?: unknown; csrf?: boolean; headers?: Record<string, string> }): ReturnType<typeof api>;
}

/** `name=value` of the first Set-Cookie header, ready for a Cookie header. */
export const cookieOf = (headers: Headers) => headers.getSetCookie()[0]?.split(';')[0] ?? '';

/** Signs in through the API and expects 200. */
export async function signIn(server: TestServer, email: string = staffEmail.an, password = server.app.config.demoStaffPassword ?? DEMO_PASSWORD): Promise<StaffClient> {
  const response = await api(server.url, '/api/staff/login', { body: { email, password } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const cookie = cookieOf(response.headers);
  const csrfToken = response.body.csrfToken as string;
  return {
    cookie,
    csrfToken,
    staff: response.body.staff,
    request: (path, init = {}) =>
      api(server.url, path, {
        method: init.method,
        body: init.body,
        headers: { cookie, ...(init.csrf === false ? {} : { 'x-csrf-token': csrfToken }), ...init.headers },
      }),
  };
}

export interface EventStream {
  response: Response;
  /** Resolves with the next event of that name (its JSON data), or rejects after `timeoutMs`. */
  next(event: string, timeoutMs?: number): Promise<any>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens GET /api/staff/events and parses the Server-Sent Events frames as they arrive. */
export async function openEventStream(server: TestServer, cookie: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${server.url}/api/staff/events`, { headers: { cookie }, signal: abort.signal });
  const frames: { event: string; data: string }[] = [];
  let wake: () => void = () => {};
  let buffer = '';
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (event) frames.push({ event, data });
          wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    response,
    ended,
    async next(event, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = frames.findIndex((f) => f.event === event);
        if (index >= 0) return JSON.parse(frames.splice(index, 1)[0]!.data);
        if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => abort.abort(),
  };
}
