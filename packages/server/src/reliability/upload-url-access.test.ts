import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { tusClient } from '../../../../test-support/tus.ts';

/**
 * The access matrix of /files by address: the holder of appointment A aims HEAD, PATCH and DELETE at
 * appointment B's running upload by dressing up a URL that names A's own upload to Koa and B's to
 * @tus/server (which once took the id from the last `/` of the whole URL, query included). Every
 * variant must be refused before tus acts, and B's upload must be exactly as it was and still finish.
 */
const MONDAY = '2027-03-01T06:00:00Z';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
const idOf = (url: string) => new URL(url).pathname.split('/').pop()!;

/** Request targets that name `own` to a path parser and `victim` to a last-segment one. */
const variants = (own: string, victim: string, origin: string) => ({
  'query with a slash': `/files/${own}?x=/${victim}`,
  'bare query with a slash': `/files/${own}?/${victim}`,
  'query, no slash': `/files/${victim}?${own}`,
  'extra segment': `/files/${own}/${victim}`,
  'encoded slash %2F': `/files/${own}%2F${victim}`,
  'encoded slash %2f': `/files/${own}%2f${victim}`,
  backslash: `/files/${own}\\${victim}`,
  'encoded backslash': `/files/${own}%5C${victim}`,
  'semicolon parameter': `/files/${own};/${victim}`,
  'semicolon only': `/files/${own};${victim}`,
  'repeated slashes': `/files/${own}//${victim}`,
  'repeated slashes before the id': `/files//${own}`,
  'dot-dot segment': `/files/${victim}/../${own}`,
  'dot segment': `/files/./${own}`,
  'trailing slash': `/files/${own}/`,
  'empty id': '/files/',
  'fragment with a slash': `/files/${own}#/${victim}`,
  'encoded NUL': `/files/${own}%00${victim}`,
  'absolute-form target': `${origin}/files/${own}?x=/${victim}`,
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the target exactly as given: fetch would normalise `..`, `\` and fragments away. */
function raw(base: string, method: string, target: string, headers: Record<string, string>, body?: Uint8Array) {
  const { hostname, port } = new URL(base);
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ hostname, port, method, path: target, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('reliability: /files addresses that name one upload to us and another to tus', () => {
  let server: TestServer;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let own: { url: string; id: string; bytes: Buffer };
  let victim: { url: string; id: string; bytes: Buffer };
  const half = 4096;
  const onDisk = (id: string) => ({
    bytes: sha256(readFileSync(join(server.dataDir, 'documents', id))),
    info: readFileSync(join(server.dataDir, 'documents', `${id}.json`), 'utf8'),
  });

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    a = await book(server, await firstSlot(server.url));
    b = await book(server, await firstSlot(server.url));
    const start = async (token: string, filename: string) => {
      const bytes = pdf(2 * half);
      const client = tusClient(server.url, { token });
      const created = await client.create(bytes.length, { filename });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await client.patch(created.url, 0, bytes.subarray(0, half))).status, 204);
      return { url: created.url, id: idOf(created.url), bytes };
    };
    own = await start(a.token, 'mijn-attest.pdf');
    victim = await start(b.token, 'huurcontract.pdf');
  });
  after(() => server.cleanup());

  it('when A sends HEAD, PATCH or DELETE to any dressed-up address, then 4xx in our JSON shape and B’s upload is untouched', async () => {
    const before = onDisk(victim.id);
    const ownBefore = onDisk(own.id);
    const auth = { 'tus-resumable': '1.0.0', authorization: `Bearer ${a.token}` };
    const wrong: string[] = [];
    for (const [name, target] of Object.entries(variants(own.id, victim.id, server.url))) {
      for (const method of ['HEAD', 'PATCH', 'DELETE']) {
        const patch = method === 'PATCH';
        const answer = await raw(
          server.url,
          method,
          target,
          patch ? { ...auth, 'upload-offset': String(half), 'content-type': 'application/offset+octet-stream' } : auth,
          patch ? randomBytes(64) : undefined,
        );
        const json = method !== 'HEAD' && /^application\/json/.test(String(answer.headers['content-type'])) && JSON.parse(answer.body).error?.code;
        const refused = answer.status >= 400 && answer.status < 500 && (method === 'HEAD' || Boolean(json));
        // A refusal tells nothing of any upload: no offset, no metadata.
        const leaks = answer.headers['upload-offset'] !== undefined || answer.headers['upload-metadata'] !== undefined;
        if (!refused || leaks) wrong.push(`${method} ${name} (${target}) → ${answer.status} ${answer.body}`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(onDisk(victim.id), before, 'B’s bytes and tus metadata are unchanged');
    assert.deepEqual(onDisk(own.id), ownBefore, 'A’s own upload is unchanged too: no variant reached tus');
    assert.equal((await tusClient(server.url, { token: b.token }).head(victim.url)).offset, half);
  });

  it('then B resumes and finishes the upload, byte-identical', async () => {
    const client = tusClient(server.url, { token: b.token });
    const done = await client.patch(victim.url, half, victim.bytes.subarray(half));
    assert.equal(done.status, 204, JSON.stringify(done.body));
    const listed = await api(server.url, '/api/appointment/documents', { token: b.token });
    const doc = listed.body.documents.find((d: { id: string }) => d.id === victim.id);
    assert.equal(doc?.sha256, sha256(victim.bytes));
    assert.equal(doc?.filename, 'huurcontract.pdf');
  });

  it('then A’s honest resume at the exact address still works: HEAD tells the offset, PATCH finishes', async () => {
    const client = tusClient(server.url, { token: a.token });
    const head = await client.head(own.url);
    assert.deepEqual(head, { status: 200, offset: half });
    assert.equal((await client.patch(own.url, half, own.bytes.subarray(half))).status, 204);
    const listed = await api(server.url, '/api/appointment/documents', { token: a.token });
    assert.equal(listed.body.documents.find((d: { id: string }) => d.id === own.id)?.sha256, sha256(own.bytes));
  });

  it('when A cancels an unfinished upload of their own at its exact address, then 204 and it is gone', async () => {
    const client = tusClient(server.url, { token: a.token });
    const created = await client.create(1000, { filename: 'later.pdf' });
    assert.equal(created.status, 201);
    assert.equal((await client.remove(created.url)).status, 204);
    assert.equal((await client.head(created.url)).status, 404);
  });

  it('when A names B’s upload at its exact address, then 403 not_your_upload from HEAD, PATCH and DELETE alike', async () => {
    const client = tusClient(server.url, { token: b.token });
    const created = await client.create(1000, { filename: 'b2.pdf' });
    const intruder = tusClient(server.url, { token: a.token });
    assert.equal((await intruder.head(created.url)).status, 403);
    const patched = await intruder.patch(created.url, 0, pdf(1000));
    assert.equal(patched.status, 403);
    assert.equal(patched.body.error.code, 'not_your_upload');
    assert.equal((await intruder.remove(created.url)).body.error.code, 'not_your_upload');
    assert.deepEqual(await client.head(created.url), { status: 200, offset: 0 });
  });

  it('when a POST creates with a query or at an upload’s address, then it is refused and nothing is created', async () => {
    const auth = { 'tus-resumable': '1.0.0', authorization: `Bearer ${a.token}`, 'upload-length': '100' };
    assert.equal((await raw(server.url, 'POST', '/files?x=/y', auth)).status, 400);
    assert.equal((await raw(server.url, 'POST', `/files/${own.id}`, auth)).status, 404);
    assert.equal((await raw(server.url, 'POST', '/files/', auth)).status, 400);
  });
});
