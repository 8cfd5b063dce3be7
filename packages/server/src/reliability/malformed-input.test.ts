import fc from 'fast-check';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { apiRoutes, declaredRoutes, routeKey, type RouteSpec } from '../../../../test-support/api-routes.ts';
import { book } from '../../../../test-support/booking.ts';
import { productionLimits } from '../../../../test-support/limits.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

/**
 * Generated malformed requests against every route of the running server (fast-check). Whatever
 * comes in, the server must answer below 500, answer a 4xx with our JSON error shape, serve nothing
 * outside its public folders, and keep answering afterwards.
 *
 * Exceptions to the JSON shape, where another protocol writes the answer:
 * - 431 from Node's HTTP parser: headers over 16 KB are refused before the method is known, so the
 *   answer carries no body (it might answer a HEAD, whose answer must have none).
 * - Under /files, @tus/server answers violations of the tus protocol itself (no or another
 *   Tus-Resumable version: 412; malformed Upload-Length/Upload-Metadata: 400) in plain text; every
 *   refusal of ours there (authentication, size, appointment) is our JSON.
 * - HEAD answers have no body by definition (RFC 9110 §9.3.2).
 */
const HTTP_CASES = Number(process.env.HTTP_CASES ?? 9_000);
const RAW_CASES = 1_200;
const MONDAY = '2027-03-01T06:00:00Z';
/** "Still answers quickly": generous, since CI machines run other suites beside this one. */
const QUICK_MS = 2_000;
/** The first video slot that Monday is 08:00 UTC; the meeting is open from 07:45. */
const DURING = '2027-03-01T07:55:00Z';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One keep-alive connection, one request at a time: ~10,000 requests take seconds, not minutes. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(base: string, req: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // An explicit length: Node's client sends a DELETE body without one, which would read as a second request.
    const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
    const r = request(`${base}${req.path}`, { method: req.method, headers, agent, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within 5 s: ${req.method} ${req.path}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

const describeSent = (req: Sent) =>
  `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 300)} body: ${req.body ? `${req.body.length} bytes ${JSON.stringify(req.body.subarray(0, 120).toString('latin1'))}` : 'none'}`;

/** A frame of a stack trace, also HTML-escaped: a file path with line and column. */
const STACK_FRAME = /(\/|node:|file:)[\w./@-]+\.(js|ts|mjs|cjs):\d+:\d+/;

/** The checks every answer must pass; returns a complaint or undefined. */
function complaint(req: Sent, res: Answer, secrets: string[]): string | undefined {
  if (res.status >= 500) return `status ${res.status}: ${res.body.toString().slice(0, 300)}`;
  const text = res.body.toString('latin1');
  for (const secret of secrets) if (text.includes(secret)) return `the answer contains a secret (${secret.slice(0, 12)}…)`;
  if (/root:x:0:0|"workspaces"\s*:|BEGIN [A-Z ]*PRIVATE KEY/.test(text)) return 'the answer contains a file from outside the public folders';
  if (STACK_FRAME.test(text)) return 'the answer contains a stack trace';
  if (res.headers['x-content-type-options'] !== 'nosniff') return `a ${res.status} without X-Content-Type-Options: nosniff`;
  for (const [name, value] of Object.entries(res.headers)) {
    if (/^x-injected|^set-cookie$/i.test(name) && String(value).includes('injected')) return `an injected header came back: ${name}`;
  }
  // A throttle says when to come back (RFC 6585 §4): the widget and scripts wait that long.
  if (res.status === 429 && !/^[1-9]\d*$/.test(String(res.headers['retry-after']))) return `a 429 without a Retry-After in seconds: ${res.headers['retry-after']}`;
  if (res.status < 400 || res.status === 431 || req.method === 'HEAD') return undefined;
  if (req.path.startsWith('/files') && [400, 412].includes(res.status) && /^text\/plain/.test(String(res.headers['content-type']))) return undefined;
  if (!/^application\/json/.test(String(res.headers['content-type']))) return `a ${res.status} without a JSON body: ${res.headers['content-type']}`;
  try {
    const { error } = JSON.parse(res.body.toString('utf8'));
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || !error.message) return `a ${res.status} without {error:{code,message}}`;
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  return undefined;
}

/** Complaints grouped by kind (first 80 characters), with a count and the first example of each. */
function problemLog() {
  const kinds = new Map<string, { count: number; example: string }>();
  return {
    add(problem: string, req: Sent) {
      const kind = problem.slice(0, 80);
      const seen = kinds.get(kind);
      if (seen) seen.count++;
      else kinds.set(kind, { count: 1, example: describeSent(req) });
    },
    report: () => [...kinds].map(([kind, { count, example }]) => `${count}× ${kind}\n    e.g. ${example}`).join('\n'),
  };
}

/** Path segments a client could put where an id goes. */
const hostileSegment = fc.oneof(
  fc.constantFrom(
    '..',
    '../..',
    '../../../../etc/passwd',
    '..%2f..%2f..%2fpackage.json',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    '%252e%252e%252f',
    '..%5c..%5cpackage.json',
    '....//....//',
    '%00',
    'abc%00.json',
    '%ff',
    '%',
    '%zz',
    '%c0%ae%c0%ae%c0%af',
    '%0d%0aX-Injected:%20injected',
    '%0aSet-Cookie:%20injected=1',
    '.',
    '~',
    '*',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '0',
    '-1',
    '1e400',
    'NaN',
    ' ',
    '%20',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))),
  fc.integer({ min: 100, max: 6_000 }).map((n) => 'a'.repeat(n)),
  fc.stringMatching(/^[\w-]{1,70}$/),
);

/** Query strings: known parameter names with wrong values, unknown names, repeats, bad encoding. */
const hostileQuery = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('channel', 'location', 'from', 'to', 'days', 'lang', 'staff', 'includeCancelled', 'peerId', '__proto__', 'constructor[prototype]'), fc.string({ maxLength: 12 })),
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('', '-1', '0', '99999999999999999999', '2027-02-30', '2027-13-01', 'video', 'counter', 'all', 'true', '%ff', '%', '%0d%0aX-Injected:%20injected', '../..') },
        { weight: 6, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
        // Past Node's 16 KB limit for the head now and then.
        { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}` : ''));

/** A valid body with one part broken: a field removed, retyped, or an unknown one added. */
const mutatedBody = (valid: Record<string, unknown>) =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(valid)),
      fc.oneof(
        fc.constant(undefined),
        fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', 'x'.repeat(100_000 / 2), [], {}, [null], { nl: {} }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      fc.boolean(),
    )
    .map(([key, value, addUnknown]) => {
      const body: Record<string, unknown> = { ...valid };
      if (value === undefined) delete body[key];
      else body[key] = value;
      const text = JSON.stringify(body);
      // Own keys that would pollute prototypes if a handler merged the body into an object.
      return addUnknown ? `{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}},${text.slice(1)}` : text;
    });

/** Bodies that are not what any route expects, with the content type they come with. */
const hostileBody = (route: RouteSpec) =>
  fc.oneof(
    ...(route.body && typeof route.body === 'object' && Object.keys(route.body).length
      ? [{ weight: 4, arbitrary: mutatedBody(route.body as Record<string, unknown>).map((text) => Buffer.from(text)) }]
      : []),
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)) },
    // Larger than the 64 KB JSON limit.
    { weight: 1, arbitrary: fc.integer({ min: 65 * 1024, max: 160 * 1024 }).map((n) => Buffer.from(JSON.stringify({ name: 'x'.repeat(n) }))) },
    // Deep nesting inside the limit: parsers and validators that recurse must not fall over.
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 30_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((depth) => Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)) },
    // Invalid UTF-8: lone continuation bytes, overlong encodings, surrogates, truncated sequences.
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom([0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0x00]), { minLength: 1, maxLength: 8 })
        .map((parts) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(parts.flat()), Buffer.from('"}')])),
    },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/offset+octet-stream',
  '',
);

describe('reliability: malformed input over every public endpoint', () => {
  let server: TestServer;
  let citizen: { id: string; token: string };
  let other: { id: string; token: string };
  let companionToken: string;
  let companionId: string;
  let medewerker: StaffClient;
  let beheerder: StaffClient;
  let secrets: string[];

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY), env: { ALLOWED_ORIGINS: 'https://www.wilsede.be' } });
    const slot = await firstSlot(server.url);
    citizen = await book(server, slot, { companion: { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' } });
    other = await book(server, slot, { citizen: { name: 'Ahmed Benali', email: 'ahmed@example.org' } });
    const invite = (await sentMails(server)).find((m) => m.to === 'jan@example.org')!;
    companionToken = linkToken(invite.text);
    companionId = (await api(server.url, '/api/appointment', { token: citizen.token })).body.companions[0].id;
    server.clock.set(DURING);
    beheerder = await signIn(server, staffEmail.an);
    medewerker = await signIn(server, staffEmail.bart);
    secrets = [server.app.config.tokenSecret, beheerder.cookie.split('=')[1]!, medewerker.cookie.split('=')[1]!];
  });
  after(async () => {
    agent.destroy();
    await server.cleanup();
  });

  it('covers every route the server declares', () => {
    assert.deepEqual(declaredRoutes(), [...new Set(apiRoutes.map(routeKey))].sort(), 'test-support/api-routes.ts must list every route');
  });

  it(`when ${HTTP_CASES} generated malformed requests arrive, then none gets a 5xx, every 4xx is our JSON error, nothing leaks`, async () => {
    const credentials = (route: RouteSpec, method: string) => {
      // Routes that would end the state the other cases need get only credentials that open nothing;
      // so does a route asked with another method (a GET of /api/appointment sent as DELETE cancels it).
      const harmless = route.destructive || route.stream || route.audience === 'sign-in' || method !== route.method;
      const valid: Record<string, string>[] = harmless
        ? []
        : [
            { authorization: `Bearer ${citizen.token}` },
            { authorization: `Bearer ${companionToken}` },
            { cookie: beheerder.cookie, 'x-csrf-token': beheerder.csrfToken },
            { cookie: medewerker.cookie, 'x-csrf-token': medewerker.csrfToken },
            { cookie: beheerder.cookie },
          ];
      const withSession: Record<string, string>[] = harmless
        ? []
        : [
            { cookie: `balie-staff=${medewerker.cookie.split('=')[1]}`, 'x-csrf-token': beheerder.csrfToken },
            { origin: 'https://evil.example', cookie: beheerder.cookie, 'x-csrf-token': beheerder.csrfToken },
          ];
      return fc.constantFrom<Record<string, string>>(
        {},
        ...valid,
        ...withSession,
        { authorization: `Bearer ${'A'.repeat(43)}` },
        { authorization: 'Bearer ' },
        { authorization: `Bearer ${'x'.repeat(5_000)}` },
        { authorization: `Basic ${Buffer.from('an:wilsede-demo').toString('base64')}` },
        { cookie: 'balie-staff=forged' },
        { cookie: `balie-staff=${'x'.repeat(4_000)}` },
        { cookie: 'balie-staff=%ff%00', 'x-csrf-token': 'forged' },
      );
    };
    const fill = (path: string, segment: string) =>
      path.replace(/:(\w+)/g, (_, name: string) => {
        if (segment !== 'valid') return segment;
        return { serviceId: 'mantelzorgpremie', appointmentId: other.id, companionId, staffId: 'bart', closureId: '1', documentId: 'none' }[name] ?? 'x';
      });
    const requestFor = fc
      .constantFrom(...apiRoutes)
      .chain((route) =>
        fc
          .oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') })
          .chain((method) =>
            fc.record({
              route: fc.constant(route),
              method: fc.constant(method),
              segment: fc.oneof({ weight: 1, arbitrary: fc.constant('valid') }, { weight: 3, arbitrary: hostileSegment }),
              query: hostileQuery,
              headers: credentials(route, method),
              contentType,
              body: fc.option(hostileBody(route), { freq: 4 }),
            }),
          ),
      )
      .map(({ route, method, segment, query, headers, contentType: type, body }): Sent => {
        const withBody = body !== null && !['GET', 'HEAD', 'OPTIONS'].includes(method);
        return {
          method,
          path: `${fill(route.path, segment)}${query}`,
          headers: { ...headers, ...(withBody && type ? { 'content-type': type } : {}) },
          body: withBody ? body : undefined,
        };
      });
    // Paths outside the API: static files, the widget bundle, signalling's HTTP, tus uploads.
    const otherRequest = fc
      .record({
        prefix: fc.constantFrom('/', '/widget/', '/signal/', '/signal/balie/', '/files/', '/demo/', '/api/', '/api/staff/', '/medewerker/'),
        segment: hostileSegment,
        method: fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'),
        headers: fc.constantFrom<Record<string, string>>(
          {},
          { authorization: `Bearer ${citizen.token}` },
          { cookie: beheerder.cookie, 'x-csrf-token': beheerder.csrfToken },
          { 'tus-resumable': '1.0.0', authorization: `Bearer ${citizen.token}`, 'upload-length': '10' },
          { 'tus-resumable': '1.0.0', authorization: `Bearer ${citizen.token}`, 'upload-offset': 'x', 'content-type': 'application/offset+octet-stream' },
        ),
      })
      .map(({ prefix, segment, method, headers }): Sent => ({ method, path: `${prefix}${segment}`, headers }));
    // tus creation with broken lengths and metadata (https://tus.io/protocols/resumable-upload#upload-metadata).
    const tusCreate = fc
      .record({
        auth: fc.constantFrom<Record<string, string>>({}, { authorization: `Bearer ${citizen.token}` }, { authorization: `Bearer ${companionToken}` }, { cookie: beheerder.cookie, 'x-csrf-token': beheerder.csrfToken }),
        version: fc.constantFrom('1.0.0', '0.2.2', '', 'x'),
        length: fc.constantFrom('10', '0', '-1', '1e3', 'abc', '999999999999999999999', '104857601', ''),
        metadata: fc.oneof(
          fc.dictionary(fc.stringMatching(/^[a-zA-Z]{1,12}$/), fc.string({ maxLength: 60 }), { maxKeys: 5 }).map((m) =>
            Object.entries(m)
              .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
              .join(','),
          ),
          fc.constantFrom(
            'filename',
            'filename !!!notbase64',
            'filename Li4vLi4vZXRjL3Bhc3N3ZA==', // ../../etc/passwd
            `appointmentId ${Buffer.from(other.id).toString('base64')},filename YS5wZGY=`,
            `appointmentId ${Buffer.from('../../x').toString('base64')}`,
            `filename ${Buffer.from('a\r\nX-Injected: injected.pdf').toString('base64')}`,
            ',,,,',
            ' '.repeat(100),
          ),
          fc.integer({ min: 2_000, max: 12_000 }).map((n) => `filename ${Buffer.from('x'.repeat(n)).toString('base64')}`),
          fc.integer({ min: 50, max: 800 }).map((n) => Array.from({ length: n }, (_, i) => `k${i} eA==`).join(',')),
        ),
      })
      .map(({ auth, version, length, metadata }): Sent => ({
        method: 'POST',
        path: '/files',
        headers: { ...auth, ...(version ? { 'tus-resumable': version } : {}), ...(length ? { 'upload-length': length } : {}), 'upload-metadata': metadata },
      }));

    // Every complaint is collected, so one run shows every kind of failure; FC_SEED replays a run.
    const problems = problemLog();
    const seed = Number(process.env.FC_SEED ?? Date.now());
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 8, arbitrary: requestFor }, { weight: 1, arbitrary: otherRequest }, { weight: 1, arbitrary: tusCreate }),
        async (req) => {
          sent++;
          try {
            const problem = complaint(req, await send(server.url, req), secrets);
            if (problem) problems.add(problem, req);
          } catch (error) {
            // The server may close a connection it will not read further (an oversized body): fine,
            // as long as it did not die. Anything else is a failure.
            if (req.body && req.body.length > 64 * 1024 && /ECONNRESET|EPIPE|socket hang up/.test(String(error))) return;
            problems.add(String(error), req);
          }
        },
      ),
      { numRuns: HTTP_CASES, seed },
    );
    assert.equal(sent, HTTP_CASES);
    if (problems.report()) assert.fail(`FC_SEED=${seed}\n${problems.report()}`);
  });

  it(`when ${RAW_CASES} broken HTTP messages arrive on raw sockets, then each is refused below 500 with a JSON body`, async () => {
    const { port } = new URL(server.url);
    const target = fc.constantFrom('/api/services', '/api/appointment', '/api/staff/session', '/files', '/signal/', '/');
    const raw = fc.oneof(
      // CR, LF, NUL and obs-fold inside header values: the classic header-injection attempts.
      fc
        .tuple(target, fc.constantFrom('\r\nX-Injected: injected', '\nX-Injected: injected', '\rX-Injected: injected', '\0', '\r\n injected', '\x7f', '\x1b[31m'), fc.constantFrom('Authorization', 'Cookie', 'Origin', 'X-CSRF-Token', 'Content-Type'))
        .map(([path, evil, name]) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${name}: Bearer abc${evil}\r\nConnection: close\r\n\r\n`),
      // CR/LF in the request line.
      fc.tuple(target, fc.constantFrom('\r\nX-Injected: injected', ' injected', '\n', '\0', '#frag', ' HTTP/1.1\r\nX-Injected: injected')).map(([path, evil]) => `GET ${path}${evil} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
      // Request smuggling shapes: both framings, conflicting lengths, broken chunk sizes.
      fc
        .tuple(
          target,
          fc.constantFrom(
            'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
            'Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
            'Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
            'Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n',
            'Transfer-Encoding: xchunked\r\n\r\n',
            'Content-Length: -1\r\n\r\n',
            'Content-Length: 1e3\r\n\r\n',
            'Content-Length: 99999999999999999999999\r\n\r\n',
          ),
        )
        .map(([path, rest]) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n${rest}`),
      // Oversized or malformed heads, and protocols we do not speak.
      fc.constantFrom(
        `GET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
        `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        'GET /api/services HTTP/9.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        'G\x00T /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        'GET /api/services\r\n\r\n',
        'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
        '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03',
        'GET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\nConnection: close\r\n\r\n',
        'GET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\n: empty\r\nConnection: close\r\n\r\n',
      ),
      // Bytes that are not ASCII in the request line.
      fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) => `GET /api/services/${Buffer.from(bytes).toString('latin1')} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );

    const exchange = (payload: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        const chunks: Buffer[] = [];
        // Not half-closed after writing: Node aborts a request whose client sent FIN (httpAllowHalfOpen).
        socket.setTimeout(2_000, () => socket.destroy());
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.write(Buffer.from(payload, 'latin1'));
      });

    await fc.assert(
      fc.asyncProperty(raw, async (payload) => {
        const answer = await exchange(payload);
        const where = JSON.stringify(payload.slice(0, 160));
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        assert.ok(status, `no HTTP answer to ${where}: ${JSON.stringify(answer.slice(0, 200))}`);
        assert.ok(status < 500, `${status} for ${where}`);
        assert.doesNotMatch(answer, /\r\nx-injected:/i, `an injected header came back for ${where}`);
        assert.match(answer.split('\r\n\r\n')[0]!, /\r\nx-content-type-options: nosniff/i, `${status} without nosniff for ${where}`);
        if (status >= 400 && status !== 431) {
          const [head, body = ''] = answer.split('\r\n\r\n');
          assert.match(head!, /\r\ncontent-type: application\/json/i, `${status} without JSON for ${where}`);
          assert.equal(typeof JSON.parse(body).error?.code, 'string', `${status} without {error:{code}} for ${where}`);
        }
      }),
      { numRuns: RAW_CASES },
    );
  });

  it('then the server still answers, quickly, and logged no failure', async () => {
    const started = performance.now();
    const services = await api(server.url, '/api/services');
    assert.equal(services.status, 200);
    assert.ok(performance.now() - started < QUICK_MS);
    const view = await api(server.url, '/api/appointment', { token: citizen.token });
    assert.equal(view.status, 200, 'the fixture appointment is still there');
    // Koa reports a connection the client broke (bad framing, gone mid-answer) as an error of that
    // request; those are the client's. Anything else in the log is a failure on our side.
    const clientFaults = /Parse Error|ERR_STREAM_PREMATURE_CLOSE|ECONNRESET|EPIPE|aborted/;
    assert.deepEqual(
      server.logLines.filter((line) => !clientFaults.test(line)).map((line) => line.slice(0, 300)),
      [],
    );
  });
});

describe('reliability: malformed input on the rate-limited routes, with their limits spent', () => {
  const LIMITED_CASES = Number(process.env.LIMITED_CASES ?? 1_500);
  let server: TestServer;
  let citizen: { id: string; token: string };
  let companionToken: string;
  let companionId: string;

  before(async () => {
    // Two proxies, so ctx.ip comes from X-Forwarded-For parsing; small budgets, so most cases meet them.
    server = await startTestServer({
      clock: testClock(MONDAY),
      env: {
        ...productionLimits,
        TRUST_PROXY: '2',
        RATE_LIMIT_BOOKINGS_PER_ADDRESS: '3',
        RATE_LIMIT_CHANGES_PER_ADDRESS: '5',
        RATE_LIMIT_CHANGES_PER_LINK: '2',
        RATE_LIMIT_UPLOADS_PER_ADDRESS: '4',
        RATE_LIMIT_UPLOADS_PER_LINK: '2',
        MAX_BOOKINGS_PER_EMAIL: '1',
      },
    });
    const slot = await firstSlot(server.url);
    citizen = await book(server, slot, { companion: { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' } });
    companionToken = linkToken((await sentMails(server)).find((m) => m.to === 'jan@example.org')!.text);
    companionId = (await api(server.url, '/api/appointment', { token: citizen.token })).body.companions[0].id;
  });
  after(() => server.cleanup());

  it(`when ${LIMITED_CASES} hostile requests with forged client addresses and names arrive, then none gets a 5xx and every 429 says when to retry`, async (t) => {
    const forwardedFor = fc.oneof(
      fc.constantFrom('', 'unknown', '_hidden', '::1', '::ffff:127.0.0.1', '[::1]:80', '1.2.3.4:8080', '1.2.3.4, ', ', , ,', '999.1.1.1', '1.2.3.4, evil', '%0d%0a', 'x'.repeat(8_000)),
      fc.ipV4(),
      fc.ipV6(),
      fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 10 })), { maxLength: 60 }).map((parts) => parts.join(', ')),
    );
    const hostileName = fc.oneof(
      fc.constantFrom('Marie\nhttps://evil.top', 'Jan\u202emoc.kbc', 'www.x', 'a@b.be', '\u0000', ' ', 'x'.repeat(5_000), 'J.P. Dupont', 'Zoë d’Hondt'),
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    const token = fc.constantFrom<string | undefined>(citizen.token, companionToken, 'A'.repeat(43), undefined, 'x'.repeat(200));
    const jsonBody = (value: unknown) => Buffer.from(JSON.stringify(value));
    const slotChoice = { start: '2027-03-01T08:40:00.000Z', channel: 'video', locationId: null };
    const request = fc
      .record({
        kind: fc.constantFrom('book', 'companion', 'uncompanion', 'reschedule', 'upload'),
        name: hostileName,
        email: fc.oneof(fc.emailAddress(), fc.constantFrom('jan@example.org', 'JAN@EXAMPLE.ORG', 'x', '')),
        token,
        xff: fc.option(forwardedFor, { freq: 6 }),
        junk: fc.option(fc.jsonValue({ maxDepth: 3 }), { freq: 5 }),
      })
      .map(({ kind, name, email, token, xff, junk }): Sent => {
        const headers: Record<string, string> = {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(xff !== null ? { 'x-forwarded-for': xff } : {}),
        };
        const json = { ...headers, 'content-type': 'application/json' };
        switch (kind) {
          case 'book':
            return {
              method: 'POST',
              path: '/api/appointments',
              headers: json,
              body: jsonBody(junk ?? { serviceId: 'mantelzorgpremie', ...slotChoice, citizen: { name, email }, intake: { zorgvrager: name }, consent: true }),
            };
          case 'companion':
            return { method: 'POST', path: '/api/appointment/companions', headers: json, body: jsonBody(junk ?? { name, email, role: 'carer' }) };
          case 'uncompanion':
            // Another id than the fixture's companion: the state the other cases need stays.
            return { method: 'DELETE', path: `/api/appointment/companions/${encodeURIComponent(name.slice(0, 40)) || 'x'}`, headers };
          case 'reschedule':
            return { method: 'POST', path: '/api/appointment/reschedule', headers: json, body: jsonBody(junk ?? slotChoice) };
          default:
            return { method: 'POST', path: '/files', headers: { ...headers, 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `filename ${Buffer.from(name).toString('base64')}` } };
        }
      });

    const problems = problemLog();
    const statuses = new Map<number, number>();
    const seed = Number(process.env.FC_SEED ?? Date.now());
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        try {
          const res = await send(server.url, req);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const problem = complaint(req, res, [server.app.config.tokenSecret]);
          if (problem) problems.add(problem, req);
        } catch (error) {
          problems.add(String(error), req);
        }
      }),
      { numRuns: LIMITED_CASES, seed },
    );
    if (problems.report()) assert.fail(`FC_SEED=${seed}\n${problems.report()}`);
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    assert.ok((statuses.get(429) ?? 0) > 0, 'the limits were met');
  });

  it('then the server still answers quickly, logged no failure, and an honest citizen from another address books', async () => {
    const started = performance.now();
    assert.equal((await api(server.url, '/api/services')).status, 200);
    assert.ok(performance.now() - started < QUICK_MS);
    assert.equal((await api(server.url, '/api/appointment', { token: citizen.token })).status, 200, 'the fixture appointment is still there');
    assert.equal((await api(server.url, '/api/appointment', { token: companionToken })).body.companions[0]?.id, companionId);
    const clientFaults = /Parse Error|ERR_STREAM_PREMATURE_CLOSE|ECONNRESET|EPIPE|aborted/;
    assert.deepEqual(server.logLines.filter((line) => !clientFaults.test(line)).map((line) => line.slice(0, 300)), []);

    const slot = await firstSlot(server.url);
    const honest = await api(server.url, '/api/appointments', {
      body: bookingBody(slot, { citizen: { name: 'Eerlijke Burger', email: 'eerlijk@example.org' } }),
      headers: { 'x-forwarded-for': '198.51.100.200' },
    });
    assert.equal(honest.status, 201, JSON.stringify(honest.body));
  });
});
