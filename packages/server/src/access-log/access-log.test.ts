import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';
import { tusClient } from '../../../../test-support/tus.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const DAY = 86_400_000;
const citizen = { name: 'Mireille Vandenbroucke', email: 'mireille.vdb@example.org' };
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), randomBytes(512)]);

type Entry = { id: number; at: string; staffId: string; staffName: string | null; action: string; appointmentId: string | null; documentId: string | null; detail: string | null };
const rows = (server: TestServer) => server.app.db.q.selectFrom('access_log').selectAll().orderBy('id').execute();
const readLog = async (client: StaffClient, query = '') => {
  const response = await client.request(`/api/staff/access-log${query ? `?${query}` : ''}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { entries: Entry[]; next: number | null; actions: string[] };
};

describe('access log', () => {
  let server: TestServer;
  let an: StaffClient; // beheerder
  let bart: StaffClient; // medewerker
  let appointment: { id: string; token: string };
  let documentId: string;

  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY), env: { ACCESS_LOG_DAYS: '30' } });
    appointment = await book(server, await firstSlot(server.url), { citizen });
    const done = await tusClient(server.url, { token: appointment.token }).upload(pdf(), { filename: 'attest-vandenbroucke.pdf' });
    assert.equal(done.status, 204, JSON.stringify(done.body));
    documentId = new URL(done.url).pathname.split('/').pop()!;
    an = await signIn(server, staffEmail.an);
    bart = await signIn(server, staffEmail.bart);
  });
  after(() => server.cleanup());

  describe('what is written', () => {
    it('when a staff member opens a dossier, then one row says who, what, which appointment and when', async () => {
      const before = (await rows(server)).length;
      assert.equal((await an.request(`/api/staff/appointments/${appointment.id}`)).status, 200);
      const written = (await rows(server)).slice(before);
      assert.deepEqual(written.map(({ id: _, ...row }) => row), [
        { at: new Date(MONDAY).toISOString(), staff_id: 'an', action: 'dossier.opened', appointment_id: appointment.id, document_id: null, detail: null },
      ]);
    });

    it('when a staff member downloads a document, then one row names the document', async () => {
      const before = (await rows(server)).length;
      const response = await fetch(`${server.url}/api/staff/appointments/${appointment.id}/documents/${documentId}/file`, { headers: { cookie: bart.cookie } });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      const written = (await rows(server)).slice(before);
      assert.equal(written.length, 1);
      assert.deepEqual(
        { staff: written[0]!.staff_id, action: written[0]!.action, appointment: written[0]!.appointment_id, document: written[0]!.document_id },
        { staff: 'bart', action: 'document.downloaded', appointment: appointment.id, document: documentId },
      );
    });

    it('when the dossier or document does not exist, then nothing is written', async () => {
      const before = (await rows(server)).length;
      assertApiError(await an.request('/api/staff/appointments/no-such-appointment'), 404, 'not_found');
      assert.equal((await fetch(`${server.url}/api/staff/appointments/${appointment.id}/documents/${'0'.repeat(32)}/file`, { headers: { cookie: an.cookie } })).status, 404);
      assert.equal((await rows(server)).length, before);
    });

    it('when the citizen downloads their own document, then nothing is written: the log is about staff', async () => {
      const before = (await rows(server)).length;
      const response = await fetch(`${server.url}/api/appointment/documents/${documentId}/file`, { headers: { authorization: `Bearer ${appointment.token}` } });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      assert.equal((await rows(server)).length, before);
    });

    it('when an export or erasure is recorded through app.accessLog, then it is listed like the rest', async () => {
      await server.app.accessLog.record({ staffId: 'an', action: 'export', appointmentId: appointment.id, detail: '1 appointment, 1 document' });
      await server.app.accessLog.record({ staffId: 'an', action: 'erase', appointmentId: appointment.id });
      const log = await readLog(an, 'action=export');
      assert.deepEqual(
        log.entries.map((e) => [e.action, e.staffId, e.staffName, e.appointmentId, e.detail]),
        [['export', 'an', 'An Peeters', appointment.id, '1 appointment, 1 document']],
      );
      assert.equal((await readLog(an, 'action=erase')).entries.length, 1);
    });

    it('when a beheerder exports a person through the privacy API, then the log lists the export, with ids only', async () => {
      const before = (await readLog(an, 'action=export')).entries.length;
      const response = await an.request('/api/staff/privacy/export', { body: { email: citizen.email } });
      assert.equal(response.status, 200);
      const exports = (await readLog(an, 'action=export')).entries;
      assert.equal(exports.length, before + 1);
      assert.deepEqual([exports[0]!.staffId, exports[0]!.appointmentId], ['an', appointment.id]);
      assert.ok(!JSON.stringify(exports[0]).includes(citizen.email));
    });

    it('when a caller puts an e-mail address in the detail, then it is refused before anything is stored', async () => {
      const before = (await rows(server)).length;
      await assert.rejects(server.app.accessLog.record({ staffId: 'an', action: 'search', detail: `searched ${citizen.email}` }), TypeError);
      assert.equal((await rows(server)).length, before);
    });

    it('then no row holds the citizen’s name, e-mail address or the file name: ids only', async () => {
      const text = JSON.stringify(await rows(server));
      for (const secret of [citizen.name, citizen.email, 'Vandenbroucke', 'attest-vandenbroucke.pdf']) assert.ok(!text.includes(secret), secret);
    });
  });

  describe('GET /api/staff/access-log', () => {
    it('when a medewerker asks, then 403 and the log is unchanged', async () => {
      const before = await rows(server);
      assertApiError(await bart.request('/api/staff/access-log'), 403, 'forbidden');
      assertApiError(await bart.request(`/api/staff/access-log?appointmentId=${appointment.id}`), 403, 'forbidden');
      assert.deepEqual(await rows(server), before);
    });

    it('when nobody is signed in, then 401', async () => {
      assertApiError(await api(server.url, '/api/staff/access-log'), 401, 'not_signed_in');
    });

    it('when a beheerder asks, then every row comes newest first with the staff member’s name and the actions to filter on', async () => {
      const log = await readLog(an);
      assert.deepEqual(log.entries.map((e) => e.id), (await rows(server)).map((r) => r.id).reverse());
      assert.ok(log.entries.some((e) => e.staffName === 'Bart Janssens' && e.action === 'document.downloaded'));
      assert.deepEqual(log.actions, ['dossier.opened', 'document.downloaded', 'export', 'erase', 'search']);
      assert.equal(log.next, null);
    });

    it('when filtered by staff member, action or appointment, then only those rows', async () => {
      assert.deepEqual(new Set((await readLog(an, 'staffId=bart')).entries.map((e) => e.staffId)), new Set(['bart']));
      assert.deepEqual(new Set((await readLog(an, 'action=dossier.opened')).entries.map((e) => e.action)), new Set(['dossier.opened']));
      const other = await book(server, await firstSlot(server.url), { citizen: { name: 'Tom Peeters', email: 'tom@example.org' } });
      await an.request(`/api/staff/appointments/${other.id}`);
      assert.deepEqual((await readLog(an, `appointmentId=${other.id}`)).entries.map((e) => [e.action, e.appointmentId]), [['dossier.opened', other.id]]);
    });

    it('when filtered by dates, then local days from..to inclusive', async () => {
      server.clock.advance(2 * DAY); // Wednesday 3 March: the session expired meanwhile
      an = await signIn(server, staffEmail.an);
      await an.request(`/api/staff/appointments/${appointment.id}`);
      const wednesday = await readLog(an, 'from=2027-03-03&to=2027-03-03');
      assert.deepEqual(wednesday.entries.map((e) => e.at), [new Date(Date.parse(MONDAY) + 2 * DAY).toISOString()]);
      const monday = await readLog(an, 'from=2027-03-01&to=2027-03-01');
      assert.ok(monday.entries.length > 1 && monday.entries.every((e) => e.at.startsWith('2027-03-01')));
      assert.equal((await readLog(an, 'from=2027-03-04')).entries.length, 0);
    });

    it('when there are more rows than the limit, then pages follow with next', async () => {
      const all = (await readLog(an)).entries.map((e) => e.id);
      const first = await readLog(an, 'limit=2');
      assert.deepEqual(first.entries.map((e) => e.id), all.slice(0, 2));
      const second = await readLog(an, `limit=2&before=${first.next}`);
      assert.deepEqual(second.entries.map((e) => e.id), all.slice(2, 4));
    });

    it('when a filter is not valid, then 422 naming it', async () => {
      const bad = assertApiError(await an.request('/api/staff/access-log?action=looked&from=yesterday&limit=100000&extra=1'), 422, 'validation_failed');
      assert.deepEqual(Object.keys(bad.fields ?? {}).sort(), ['(body)', 'action', 'from', 'limit'].sort());
      assertApiError(await an.request('/api/staff/access-log?from=2027-03-05&to=2027-03-01'), 422, 'validation_failed');
    });
  });

  describe('retention (ACCESS_LOG_DAYS)', () => {
    it('when rows are older than ACCESS_LOG_DAYS, then the purge removes them and keeps the newer ones', async () => {
      const old = (await rows(server)).map((r) => r.id);
      server.clock.advance(20 * DAY);
      an = await signIn(server, staffEmail.an);
      await an.request(`/api/staff/appointments/${appointment.id}`);
      const recent = (await rows(server)).at(-1)!.id;
      server.clock.advance(11 * DAY); // Monday's rows are now 33 days old, Wednesday's 31, the last 11
      assert.equal(await server.app.accessLog.purge(), old.length);
      assert.deepEqual((await rows(server)).map((r) => r.id), [recent]);
      assert.equal(await server.app.accessLog.purge(), 0, 'idempotent');
    });

    it('when the server starts after rows fell due, then they are purged at start', async () => {
      await server.stop();
      server.clock.advance(31 * DAY);
      const restarted = await startTestServer({ dataDir: server.dataDir, clock: server.clock, env: { ACCESS_LOG_DAYS: '30' } });
      try {
        assert.deepEqual(await rows(restarted), []);
      } finally {
        await restarted.stop();
      }
    });
  });
});
