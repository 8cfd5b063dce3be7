import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { linkToken, sentMails } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { openEventStream, signIn, type StaffClient } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const jan = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Real magic bytes: enough of each format for a content sniffer, padded to the size wanted. */
const pdf = (size = 2048) => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), randomBytes(size)]);
const png = () => Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A Windows executable ("MZ" header, PE signature) dressed up as a PDF by its name. */
const exe = () => {
  const bytes = Buffer.alloc(1024);
  bytes.write('MZ', 0);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'binary');
  return bytes;
};

const documentsDir = (server: TestServer) => join(server.dataDir, 'documents');
const idOf = (url: string) => new URL(url).pathname.split('/').pop()!;
const list = (server: TestServer, token: string) => api(server.url, '/api/appointment/documents', { token });
const download = (server: TestServer, token: string, id: string) =>
  fetch(`${server.url}/api/appointment/documents/${id}/file`, { headers: { authorization: `Bearer ${token}` } });

describe('documents', () => {
  let server: TestServer;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let companionToken: string;
  let staff: StaffClient;

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY), env: { MAX_UPLOAD_MB: '1', MAX_APPOINTMENT_MB: '4' } });
    a = await book(server, await firstSlot(server.url), { companion: jan });
    b = await book(server, await firstSlot(server.url));
    const mail = (await sentMails(server)).findLast((m) => m.to === jan.email)!;
    companionToken = linkToken(mail.text);
    staff = await signIn(server);
  });
  after(() => server.cleanup());

  describe('POST /files (creating an upload)', () => {
    it('when there is no credential, then 401', async () => {
      const created = await tusClient(server.url, {}).create(100, { filename: 'a.pdf' });
      assertApiError(created, 401, 'not_authenticated');
    });

    it('when the token is unknown, then 401', async () => {
      assertApiError(await tusClient(server.url, { token: 'nope' }).create(100), 401, 'invalid_link');
    });

    it("when appointment A's token names appointment B, then 403", async () => {
      assertApiError(await tusClient(server.url, { token: a.token }).create(100, { appointmentId: b.id }), 403, 'other_appointment');
    });

    it('when the file is larger than MAX_UPLOAD_MB, then 413 with the limit in the message', async () => {
      const error = assertApiError(await tusClient(server.url, { token: a.token }).create(1024 * 1024 + 1), 413, 'file_too_large');
      assert.match(error.message, /1 MB/);
    });

    it('when the appointment would go over MAX_APPOINTMENT_MB, then 413 appointment_full', async () => {
      const client = tusClient(server.url, { token: b.token });
      const urls: string[] = [];
      for (let i = 0; i < 4; i++) {
        const created = await client.create(1024 * 1024);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        urls.push(created.url);
      }
      assertApiError(await client.create(10), 413, 'appointment_full');
      for (const url of urls) assert.equal((await client.remove(url)).status, 204);
      assert.equal((await client.create(10)).status, 201, 'cancelled uploads free their room');
    });
  });

  describe('a whole upload', () => {
    const bytes = pdf();
    let id: string;

    it('when a citizen sends a PDF, then it is listed with the SHA-256 of its bytes', async () => {
      const done = await tusClient(server.url, { token: a.token }).upload(bytes, { filename: 'huurcontract.pdf', filetype: 'text/html', requiredDocumentId: 'attest' });
      assert.equal(done.status, 204, JSON.stringify(done.body));
      id = idOf(done.url);
      const { body } = await list(server, a.token);
      const doc = body.documents.find((d: { id: string }) => d.id === id);
      assert.deepEqual(
        { ...doc, createdAt: undefined },
        {
          id,
          filename: 'huurcontract.pdf',
          contentType: 'application/pdf',
          size: bytes.length,
          sha256: sha256(bytes),
          uploadedBy: 'citizen',
          requiredDocumentId: 'attest',
          createdAt: undefined,
          mine: true,
          canDelete: true,
        },
      );
      assert.deepEqual(body.required.map((r: { id: string; provided: boolean }) => [r.id, r.provided]), [['attest', true]]);
    });

    it('when it is downloaded, then the bytes are the same, as an attachment with nosniff', async () => {
      const response = await download(server, a.token, id);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/pdf');
      assert.match(response.headers.get('content-disposition')!, /^attachment; filename="huurcontract.pdf"/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    });

    it('when the companion lists and downloads, then they see and get it too', async () => {
      const { body } = await list(server, companionToken);
      assert.ok(body.documents.some((d: { id: string; mine: boolean }) => d.id === id && !d.mine));
      assert.equal((await download(server, companionToken, id)).status, 200);
    });

    it("when appointment B's holder lists or downloads it, then it is not there (404)", async () => {
      const { body } = await list(server, b.token);
      assert.ok(!body.documents.some((d: { id: string }) => d.id === id));
      const response = await download(server, b.token, id);
      assert.equal(response.status, 404);
      assertApiError({ status: response.status, body: await response.json(), headers: response.headers }, 404, 'not_found');
    });

    it('when the tus URL is fetched with GET, then 405 and no bytes', async () => {
      const response = await fetch(`${server.url}/files/${id}`, { headers: { authorization: `Bearer ${a.token}`, 'tus-resumable': '1.0.0' } });
      assert.equal(response.status, 405);
      assert.ok(!(await response.text()).includes('%PDF'));
    });

    it('when staff open the dossier, then the document and the readiness count show it', async () => {
      const { body } = await staff.request(`/api/staff/appointments/${a.id}`);
      assert.deepEqual(body.documents.map((d: { id: string; sha256: string }) => [d.id, d.sha256]), [[id, sha256(bytes)]]);
      assert.deepEqual(body.requiredDocuments, [{ id: 'attest', label: 'Attest van de zorgbehoevende', provided: true }]);
      assert.deepEqual(body.readiness.documents, { uploaded: 1, required: 1 });
      const staffFile = await fetch(`${server.url}/api/staff/appointments/${a.id}/documents/${id}/file`, { headers: { cookie: staff.cookie } });
      assert.deepEqual(Buffer.from(await staffFile.arrayBuffer()), bytes);
    });
  });

  describe('an interrupted upload', () => {
    it('when a PATCH is cut mid-way, then HEAD tells the offset, the rest resumes there and the file is byte-identical', async () => {
      const bytes = pdf(600_000);
      const client = tusClient(server.url, { token: a.token });
      const created = await client.create(bytes.length, { filename: 'brief.pdf' });
      await client.interruptedPatch(created.url, 0, bytes, 250_000);
      const { status, offset } = await client.head(created.url);
      assert.equal(status, 200);
      assert.ok(offset > 0 && offset <= 250_000, `offset ${offset}`);
      const rest = await client.patch(created.url, offset, bytes.subarray(offset));
      assert.equal(rest.status, 204, JSON.stringify(rest.body));
      const response = await download(server, a.token, idOf(created.url));
      assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(bytes));
    });

    it('when someone else (other appointment, companion, staff) resumes it, then 403; without credential 401', async () => {
      const created = await tusClient(server.url, { token: a.token }).create(1000, { filename: 'x.pdf' });
      assert.equal((await tusClient(server.url, { token: b.token }).head(created.url)).status, 403);
      assert.equal((await tusClient(server.url, { token: companionToken }).patch(created.url, 0, pdf(1000 - 58))).status, 403);
      assert.equal((await tusClient(server.url, { cookie: staff.cookie, csrfToken: staff.csrfToken }).head(created.url)).status, 403);
      assert.equal((await tusClient(server.url, {}).head(created.url)).status, 401);
    });
  });

  describe('content checks', () => {
    it('when a ".pdf" holds an executable, then 415 type_not_allowed and nothing is kept', async () => {
      const done = await tusClient(server.url, { token: a.token }).upload(exe(), { filename: 'factuur.pdf', filetype: 'application/pdf' });
      assertApiError(done, 415, 'type_not_allowed');
      const id = idOf(done.url);
      assert.equal(existsSync(join(documentsDir(server), id)), false);
      assert.equal(await server.app.db.q.selectFrom('documents').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    });

    it('when plain UTF-8 text and a PNG are sent, then both are accepted by their content', async () => {
      const client = tusClient(server.url, { token: a.token });
      assert.equal((await client.upload(Buffer.from('Beste, hierbij mijn gegevens. Groeten, Marie\n'), { filename: 'notitie.txt' })).status, 204);
      assert.equal((await client.upload(png(), { filename: 'vocht.png' })).status, 204);
      const types = (await list(server, a.token)).body.documents.map((d: { contentType: string }) => d.contentType);
      assert.ok(types.includes('text/plain') && types.includes('image/png'));
    });
  });

  describe('staff', () => {
    it('when staff upload without the CSRF header, then 403; with it, the citizen sees a staff document and the console hears of it', async () => {
      assertApiError(await tusClient(server.url, { cookie: staff.cookie }).create(10, { appointmentId: a.id }), 403, 'csrf_failed');
      const events = await openEventStream(server, staff.cookie);
      const bytes = pdf();
      const done = await tusClient(server.url, { cookie: staff.cookie, csrfToken: staff.csrfToken }).upload(bytes, { appointmentId: a.id, filename: 'reistoelating.pdf' });
      assert.equal(done.status, 204, JSON.stringify(done.body));
      assert.deepEqual(await events.next('agenda-changed'), { appointmentId: a.id, staffId: staff.staff.id, change: 'documents' });
      events.close();
      const doc = (await list(server, a.token)).body.documents.find((d: { id: string }) => d.id === idOf(done.url));
      assert.equal(doc.uploadedBy, 'staff');
      assert.equal(doc.canDelete, false);
      const response = await download(server, a.token, doc.id);
      assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(bytes));
    });

    it('when staff delete a document, then it is gone for everyone', async () => {
      const done = await tusClient(server.url, { token: a.token }).upload(pdf(), { filename: 'weg.pdf' });
      const id = idOf(done.url);
      const removed = await staff.request(`/api/staff/appointments/${a.id}/documents/${id}`, { method: 'DELETE' });
      assert.equal(removed.status, 204);
      assert.equal((await download(server, a.token, id)).status, 404);
      assert.equal(existsSync(join(documentsDir(server), id)), false);
    });
  });

  describe('deleting as a citizen', () => {
    it('when the citizen deletes their own upload before the start, then 204; a companion may not; after the start, 409', async () => {
      const client = tusClient(server.url, { token: a.token });
      const first = idOf((await client.upload(pdf(), { filename: 'een.pdf' })).url);
      const second = idOf((await client.upload(pdf(), { filename: 'twee.pdf' })).url);
      assertApiError(await api(server.url, `/api/appointment/documents/${first}`, { method: 'DELETE', token: companionToken }), 403, 'not_your_document');
      assert.equal((await api(server.url, `/api/appointment/documents/${first}`, { method: 'DELETE', token: a.token })).status, 204);
      server.clock.set('2027-03-01T08:01:00Z');
      assertApiError(await api(server.url, `/api/appointment/documents/${second}`, { method: 'DELETE', token: a.token }), 409, 'appointment_started');
      server.clock.set(MONDAY);
    });

    it('when the appointment is cancelled, then its link neither uploads nor lists (410)', async () => {
      const c = await book(server, await firstSlot(server.url, 'mantelzorgpremie', 'channel=counter'));
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: c.token })).status, 200);
      assertApiError(await tusClient(server.url, { token: c.token }).create(10), 410, 'appointment_cancelled');
      assertApiError(await list(server, c.token), 410, 'appointment_cancelled');
    });
  });

  describe('expiry of unfinished uploads', () => {
    it('when an upload is created or resumed, then Upload-Expires tells when it goes (24 hours on), readable cross-origin; once finished, not', async () => {
      const client = tusClient(server.url, { token: a.token });
      const bytes = pdf(1000);
      const created = await client.create(bytes.length, { filename: 'later.pdf' });
      const expected = new Date(Date.parse(MONDAY) + 24 * 3_600_000).toUTCString();
      assert.equal(created.headers.get('upload-expires'), expected);
      assert.match(created.headers.get('access-control-expose-headers') ?? '', /Upload-Expires/);
      const head = await fetch(created.url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${a.token}` } });
      assert.equal(head.headers.get('upload-expires'), expected);
      const done = await client.patch(created.url, 0, bytes);
      assert.equal(done.status, 204);
      assert.equal(done.headers.get('upload-expires'), null);
    });

    it('when an upload is not finished within 24 hours, then the sweep removes its bytes and row', async () => {
      const client = tusClient(server.url, { token: a.token });
      const created = await client.create(5000, { filename: 'half.pdf' });
      assert.equal((await client.patch(created.url, 0, pdf(1000))).status, 204);
      const id = idOf(created.url);
      assert.ok(existsSync(join(documentsDir(server), id)));
      server.clock.advance(25 * 3_600_000);
      assertApiError(await client.patch(created.url, 1058, pdf(100)), 410, 'upload_expired');
      await server.app.documents.sweep();
      assert.equal(existsSync(join(documentsDir(server), id)), false);
      assert.equal((await client.head(created.url)).status, 404);
      server.clock.set(MONDAY);
    });
  });
});

describe('documents retention', () => {
  it('when the server restarts after RETENTION_DAYS past an appointment, then its documents are gone and later ones stay', async () => {
    const clock = testClock(MONDAY);
    const first = await startTestServer({ clock, env: { RETENTION_DAYS: '30' } });
    const early = await book(first, await firstSlot(first.url));
    const laterSlot = (await api(first.url, '/api/services/mantelzorgpremie/slots?channel=video&from=2027-03-15&days=1')).body.slots[0];
    const later = await book(first, laterSlot);
    const keep = pdf();
    const gone = idOf((await tusClient(first.url, { token: early.token }).upload(pdf(), { filename: 'oud.pdf' })).url);
    const kept = idOf((await tusClient(first.url, { token: later.token }).upload(keep, { filename: 'nieuw.pdf' })).url);
    await first.stop();

    // 30 days and an hour after the early appointment ended; the later one ended 14 days after it.
    clock.set('2027-03-31T09:00:00Z');
    const second = await startTestServer({ clock, dataDir: first.dataDir });
    try {
      const rows = await second.app.db.q.selectFrom('documents').select('id').execute();
      assert.deepEqual(rows, [{ id: kept }]);
      assert.equal(existsSync(join(documentsDir(second), gone)), false);
      const response = await download(second, later.token, kept);
      assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(keep));
    } finally {
      await second.cleanup();
    }
  });
});

describe('room for documents on the server (MAX_STORED_GB, MIN_FREE_DISK_MB)', () => {
  const MiB = 1024 * 1024;
  const rows = async (server: TestServer) =>
    Number((await server.app.db.q.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const files = (server: TestServer) => readdirSync(documentsDir(server)).length;

  it('when all documents would go over MAX_STORED_GB, then 507 storage_full before any byte; a cancelled upload frees the room', async () => {
    // 3 MiB for the whole server; every appointment may hold 4.
    const server = await startTestServer({ clock: testClock(MONDAY), env: { MAX_UPLOAD_MB: '2', MAX_APPOINTMENT_MB: '4', MAX_STORED_GB: String(3 / 1024) } });
    try {
      const people = [];
      for (let i = 0; i < 3; i++) people.push(tusClient(server.url, { token: (await book(server, await firstSlot(server.url))).token }));
      const [a, b, c] = people as [ReturnType<typeof tusClient>, ReturnType<typeof tusClient>, ReturnType<typeof tusClient>];
      const first = pdf(MiB - 100);
      assert.equal((await a.upload(first, { filename: 'a.pdf' })).status, 204, 'a finished document counts');
      const running = await b.create(MiB, { filename: 'b.pdf' });
      assert.equal(running.status, 201, 'an unfinished upload counts by its announced size');
      const used = first.length + MiB;
      assert.equal((await c.create(3 * MiB - used, { filename: 'exactly.pdf' })).status, 201, 'up to the cap exactly is fine');
      const [rowsBefore, filesBefore] = [await rows(server), files(server)];

      const refused = assertApiError(await c.create(10, { filename: 'one-too-many.pdf' }), 507, 'storage_full');
      assert.match(refused.message, /storage is full/);
      assert.deepEqual([await rows(server), files(server)], [rowsBefore, filesBefore], 'nothing was created');
      assert.ok(server.logLines.some((l) => l.includes('MAX_STORED_GB')), 'the operator reads why in the log');

      assert.equal((await b.remove(running.url)).status, 204);
      assert.equal((await c.upload(pdf(64), { filename: 'now-it-fits.pdf' })).status, 204);
    } finally {
      await server.cleanup();
    }
  });

  it('when a new upload could leave less free disk than MIN_FREE_DISK_MB, then 507 storage_full and nothing is created', async () => {
    // No test machine has a hundred terabytes free: every new upload is refused.
    const server = await startTestServer({ clock: testClock(MONDAY), env: { MIN_FREE_DISK_MB: '100000000' } });
    try {
      const client = tusClient(server.url, { token: (await book(server, await firstSlot(server.url))).token });
      assertApiError(await client.create(1000, { filename: 'a.pdf' }), 507, 'storage_full');
      assert.equal(await rows(server), 0);
      assert.ok(server.logLines.some((l) => l.includes('MIN_FREE_DISK_MB')));
    } finally {
      await server.cleanup();
    }
  });
});

describe('virus scan hook (CLAMAV_HOST)', () => {
  let clamd: Server;
  let server: TestServer;
  before(async () => {
    // A stand-in clamd speaking INSTREAM: infected when the stream holds the EICAR marker.
    clamd = createServer((socket) => {
      let data = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        data = Buffer.concat([data, chunk]);
        if (data.subarray(-4).equals(Buffer.alloc(4))) {
          socket.end(data.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE') ? 'stream: Eicar-Signature FOUND\0' : 'stream: OK\0');
        }
      });
    });
    await new Promise<void>((resolve) => clamd.listen(0, '127.0.0.1', resolve));
    const port = (clamd.address() as { port: number }).port;
    server = await startTestServer({ clock: testClock(MONDAY), env: { CLAMAV_HOST: `127.0.0.1:${port}` } });
  });
  after(async () => {
    await server.cleanup();
    clamd.close();
  });

  it('when clamd finds a virus, then 422 infected and nothing is kept; a clean file passes', async () => {
    const { token } = await book(server, await firstSlot(server.url));
    const client = tusClient(server.url, { token });
    const eicar = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n');
    const infected = await client.upload(eicar, { filename: 'eicar.txt' });
    assertApiError(infected, 422, 'infected');
    assert.equal(existsSync(join(documentsDir(server), idOf(infected.url))), false);
    assert.equal((await client.upload(pdf(), { filename: 'ok.pdf' })).status, 204);
  });
});
