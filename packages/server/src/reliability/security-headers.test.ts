import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { book } from '../../../../test-support/booking.ts';
import { api, bookingBody, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';
import { paths } from '../app.ts';

const MONDAY = '2027-03-01T06:00:00Z';
/** A frame of a stack trace, also HTML-escaped: a file path with line and column. */
const STACK_FRAME = /(\/|node:|file:)[\w./@-]+\.(js|ts|mjs|cjs):\d+:\d+/;
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), randomBytes(256)]);

interface Seen {
  status: number;
  headers: Headers;
  text: string;
}

const fetchText = async (url: string, init: RequestInit = {}): Promise<Seen> => {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/** Makes the test server's database refuse new appointments (`refuse`) or take them again. */
async function refuseWrites(server: TestServer, refuse: boolean) {
  const { db } = server.app;
  if (db.dialect === 'sqlite') db.sqlite!.pragma(`query_only = ${refuse ? 'ON' : 'OFF'}`);
  else if (refuse) await sql`ALTER TABLE appointments ADD CONSTRAINT forced_failure CHECK (false) NOT VALID`.execute(db.q);
  else await sql`ALTER TABLE appointments DROP CONSTRAINT forced_failure`.execute(db.q);
}

/** The head of the answer to a request Node's HTTP parser refuses (a CR inside a header value). */
function parserRefusal(url: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', text = ''] = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, text });
    });
    socket.write('GET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: a\rb\r\n\r\n');
  });
}

/**
 * One request of every kind of response the server gives: JSON (success and each error path),
 * our HTML pages, the widget bundle, static files, 404s, PeerJS and tus answers, a download, CSV, a
 * live stream and a refusal of Node's HTTP parser.
 */
async function everyKind(server: TestServer): Promise<Record<string, Seen>> {
  const slot = await firstSlot(server.url);
  const citizen = await book(server, slot);
  const staff = await signIn(server, staffEmail.an);
  const upload = await tusClient(server.url, { token: citizen.token }).upload(pdf(), { filename: 'attest.pdf' });
  assert.equal(upload.status, 204);
  const documentId = (await api(server.url, '/api/appointment/documents', { token: citizen.token })).body.documents[0].id;
  const auth = { authorization: `Bearer ${citizen.token}` };
  const json = { 'content-type': 'application/json' };
  const stream = new AbortController();
  const events = await fetch(`${server.url}/api/staff/events`, { headers: { cookie: staff.cookie }, signal: stream.signal });
  stream.abort();
  const widget = existsSync(paths.widgetDist) ? '/widget/digitale-balie.js' : '/widget/not-built.js';
  return {
    'JSON 200': await fetchText(`${server.url}/api/services`),
    'JSON 201': await fetchText(`${server.url}/api/appointments`, { method: 'POST', headers: json, body: JSON.stringify(bookingBody(slot, { citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } })) }),
    'JSON 400 (bad JSON)': await fetchText(`${server.url}/api/appointments`, { method: 'POST', headers: json, body: '{"citizen":' }),
    'JSON 401': await fetchText(`${server.url}/api/appointment`),
    'JSON 403 (CSRF)': await fetchText(`${server.url}/api/staff/closures`, { method: 'POST', headers: { ...json, cookie: staff.cookie }, body: '{}' }),
    'JSON 404': await fetchText(`${server.url}/api/nothing-here`),
    'JSON 405': await fetchText(`${server.url}/api/services`, { method: 'PUT' }),
    'JSON 409': await fetchText(`${server.url}/api/appointments`, { method: 'POST', headers: json, body: JSON.stringify(bookingBody(slot, { citizen: { name: 'Derde', email: 'derde@example.org' } })) }),
    'JSON 413': await fetchText(`${server.url}/api/appointments`, { method: 'POST', headers: json, body: JSON.stringify({ x: 'x'.repeat(70_000) }) }),
    'JSON 422': await fetchText(`${server.url}/api/appointments`, { method: 'POST', headers: json, body: '{}' }),
    'HTML demo page': await fetchText(`${server.url}/`),
    'HTML staff console': await fetchText(`${server.url}/medewerker`),
    'widget JS': await fetchText(`${server.url}${widget}`),
    'static CSS': await fetchText(`${server.url}/site.css`),
    '404 static': await fetchText(`${server.url}/nothing-here.html`),
    'PeerJS HTTP': await fetchText(`${server.url}/signal/`),
    'PeerJS bad escape': await fetchText(`${server.url}/signal/%ff/id`),
    'tus refusal (ours)': await fetchText(`${server.url}/files`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } }),
    'tus refusal (its own)': await fetchText(`${server.url}/files`, { method: 'POST', headers: { ...auth, 'upload-length': '10' } }),
    'document download': await fetchText(`${server.url}/api/appointment/documents/${documentId}/file`, { headers: auth }),
    'CSV export': await fetchText(`${server.url}/api/staff/dashboard.csv`, { headers: { cookie: staff.cookie } }),
    'event stream': { status: events.status, headers: events.headers, text: '' },
    'parser refusal': await parserRefusal(server.url),
  };
}

describe('reliability: security headers on every kind of response', () => {
  for (const scheme of ['http', 'https'] as const) {
    describe(`when PUBLIC_URL is ${scheme}`, () => {
      let server: TestServer;
      let seen: Record<string, Seen>;
      before(async () => {
        server = await startTestServer({ clock: testClock(MONDAY), env: scheme === 'https' ? { PUBLIC_URL: 'https://balie.wilsede.test' } : {} });
        seen = await everyKind(server);
      });
      after(() => server.cleanup());

      it('then every response carries nosniff and no-referrer, and answers what it should', () => {
        assert.equal(Object.keys(seen).length, 23);
        const built = existsSync(paths.widgetDist);
        const statusOf = (kind: string) =>
          Number(/\b(\d{3})\b/.exec(kind)?.[1] ?? { 'widget JS': built ? 200 : 503, 'PeerJS bad escape': 404, 'tus refusal (ours)': 401, 'tus refusal (its own)': 412, 'parser refusal': 400 }[kind] ?? 200);
        for (const [kind, r] of Object.entries(seen)) {
          assert.equal(r.status, statusOf(kind), kind);
          assert.equal(r.headers.get('x-content-type-options'), 'nosniff', kind);
          if (kind !== 'parser refusal') assert.equal(r.headers.get('referrer-policy'), 'no-referrer', kind);
        }
        if (built) assert.match(seen['widget JS']!.headers.get('content-type')!, /javascript/);
        assert.match(seen['document download']!.headers.get('content-disposition')!, /^attachment/);
        assert.match(seen['document download']!.headers.get('content-security-policy')!, /sandbox/);
      });

      it(`then HSTS is ${scheme === 'https' ? 'on every response' : 'on none'}`, () => {
        for (const [kind, r] of Object.entries(seen)) {
          // Node's parser refusal is written before any request exists; HSTS only counts over TLS anyway.
          if (kind === 'parser refusal') continue;
          const hsts = r.headers.get('strict-transport-security');
          if (scheme === 'https') assert.match(hsts ?? '', /max-age=\d{7,}/, kind);
          else assert.equal(hsts, null, kind);
        }
      });

      it('then our HTML pages have a CSP with frame-ancestors, and nothing renders in place without one', () => {
        for (const [kind, r] of Object.entries(seen)) {
          const csp = r.headers.get('content-security-policy') ?? '';
          if (/text\/html/.test(r.headers.get('content-type') ?? '')) {
            assert.match(csp, /frame-ancestors 'self'/, kind);
            assert.match(csp, /default-src 'self'/, kind);
            assert.match(csp, /script-src 'self'(;|$)/, `${kind}: no inline script`);
          }
        }
        assert.ok(seen['HTML demo page']!.headers.get('content-security-policy'));
        assert.ok(seen['HTML staff console']!.headers.get('content-security-policy'));
      });

      it('then no error body holds a stack trace, and every 4xx is our JSON error (tus protocol refusals aside)', () => {
        for (const [kind, r] of Object.entries(seen)) {
          assert.doesNotMatch(r.text, STACK_FRAME, kind);
          if (r.status < 400 || kind === 'tus refusal (its own)') continue;
          assert.equal(typeof JSON.parse(r.text).error.code, 'string', kind);
        }
      });
    });
  }
});

describe('reliability: the log after a booking, cancel and staff journey with failures', () => {
  const citizenEmail = 'marie.claes@example.org';
  const companionEmails = ['jan.claes@example.org', 'ann.vos@example.org'];
  const smtpPassword = 's3cret-smtp-pass';
  let server: TestServer;
  let smtp: SMTPServer;
  let forbidden: Record<string, string>;
  let forcedError: Seen;

  before(async () => {
    // A mail server that takes our login and then refuses every recipient, quoting the address in its
    // answer as real ones do: the failure reaches our log with the citizen's address in it.
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) => done(null, { user: auth.username }),
      onRcptTo: (address, _session, done) => done(Object.assign(new Error(`<${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    server = await startTestServer({
      clock: testClock(MONDAY),
      productionLog: true,
      env: { SMTP_URL: `smtp://balie:${smtpPassword}@127.0.0.1:${smtpPort}`, DEMO_STAFF_PASSWORD: 'demo-password-123' },
    });

    const slot = await firstSlot(server.url);
    const booked = await api(server.url, '/api/appointments', {
      body: bookingBody(slot, { citizen: { name: 'Marie Claes', email: citizenEmail, phone: '0470 12 34 56' }, companion: { name: 'Jan Claes', email: companionEmails[0], role: 'carer' } }),
    });
    assert.equal(booked.status, 201);
    const token = booked.body.token as string;
    assert.equal((await api(server.url, '/api/appointment', { token })).status, 200);
    assert.equal((await api(server.url, '/api/appointment/companions', { token, body: { name: 'Ann Vos', email: companionEmails[1], role: 'interpreter' } })).status, 201);

    const staff = await signIn(server, staffEmail.an, 'demo-password-123');
    assert.equal((await staff.request(`/api/staff/appointments/${booked.body.appointment.id}`)).status, 200);
    assert.equal((await staff.request('/api/staff/agenda?staff=all&days=7')).status, 200);
    assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token })).status, 200);
    for (let i = 0; i < 6; i++) await api(server.url, '/api/staff/login', { body: { email: staffEmail.chloe, password: 'not-the-password' } });

    // A failure on our side, without breaking anything for good: the database refuses writes for a
    // moment (SQLite: the connection turns read-only; PostgreSQL, whose pool has many connections:
    // every new appointment breaks a check constraint until it is dropped again).
    await refuseWrites(server, true);
    try {
      forcedError = await fetchText(`${server.url}/api/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bookingBody(await firstSlot(server.url), { citizen: { name: 'Piet Pieters', email: 'piet@example.org' } })),
      });
    } finally {
      await refuseWrites(server, false);
    }
    assert.equal((await staff.request('/api/staff/logout', { method: 'POST' })).status, 204);
    await server.app.booking.flush();
    forbidden = {
      'citizen e-mail': citizenEmail,
      'companion e-mail': companionEmails[0]!,
      'second companion e-mail': companionEmails[1]!,
      'e-mail of the failed booking': 'piet@example.org',
      'staff e-mail of the locked account': staffEmail.chloe,
      'phone number': '470 12 34 56',
      'personal link token': token,
      'staff session id': staff.cookie.split('=')[1]!,
      'CSRF token': staff.csrfToken,
      'token secret': server.app.config.tokenSecret,
      'SMTP password': smtpPassword,
      'staff password': 'demo-password-123',
      'wrong password tried': 'not-the-password',
    };
  });
  after(async () => {
    await server.cleanup();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('then the forced failure answers a plain 500 without a stack trace', () => {
    assert.equal(forcedError.status, 500);
    assert.deepEqual(JSON.parse(forcedError.text), { error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } });
    assert.doesNotMatch(forcedError.text, STACK_FRAME);
  });

  it('then the log tells what failed: the request, the refused mails, the locked sign-in', () => {
    const log = server.logLines.join('\n');
    assert.match(log, /POST \/api\/appointments failed/);
    assert.match(log, /mail confirmation for appointment \S+ failed/);
    assert.match(log, /mail cancelled for appointment \S+ failed/);
    assert.match(log, /\[e-mail\]/, 'the refused recipient is in the log, masked');
    assert.match(log, /staff sign-in locked/);
  });

  it('then no line of the log holds a secret or a citizen e-mail address', () => {
    const leaks = Object.entries(forbidden).filter(([, secret]) => server.logLines.some((line) => line.includes(secret)));
    assert.deepEqual(leaks.map(([what]) => what), []);
  });
});
