import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { filesContaining, needlesOf, personWithData, rowsAbout, uniquePerson, unzip } from '../../../../test-support/privacy.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const dashboardQuery = '/api/staff/dashboard?from=2027-02-20&to=2027-04-30';
const SECRET_COLUMNS = /^token_/;
const withoutSecrets = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([key]) => !SECRET_COLUMNS.test(key)));
const appointmentColumn = async (server: TestServer, id: string, column: 'status' | 'cancelled_by' | 'purged_at') =>
  (await server.app.db.q.selectFrom('appointments').select(column).where('id', '=', id).executeTakeFirst())?.[column];
const accessLog = (server: TestServer, action: string) => server.app.db.q.selectFrom('access_log').selectAll().where('action', '=', action).execute();

/** POST with the session and CSRF token, answering the raw bytes (the export is a zip). */
async function download(server: TestServer, staff: StaffClient, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken, 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(body),
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('a citizen’s rights, handled by a beheerder', () => {
  let server: TestServer;
  let an: StaffClient;
  let chloe: StaffClient;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({
      clock: testClock(MONDAY),
      env: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 'privacy-test-secret-0123456789ab' },
    });
    an = await signIn(server, staffEmail.an);
    chloe = await signIn(server, staffEmail.chloe);
  });
  after(async () => {
    await server.cleanup();
    await receiver.close();
  });

  describe('POST /api/staff/privacy/search', () => {
    it('when a beheerder searches an e-mail address or phone number, then every appointment of that person is found, as citizen and as companion', async () => {
      const p = uniquePerson();
      const { id } = await personWithData(server, an, p);
      // The same person as someone else's companion.
      const other = await book(server, await firstSlot(server.url), { companion: { name: p.name, email: p.email.toUpperCase(), role: 'carer' } });
      const byEmail = await an.request('/api/staff/privacy/search', { body: { email: p.email } });
      assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body));
      assert.deepEqual(
        byEmail.body.appointments.map((a: { appointmentId: string; role: string }) => [a.appointmentId, a.role]).sort(),
        [
          [id, 'citizen'],
          [other.id, 'companion'],
        ].sort(),
      );
      const byPhone = await an.request('/api/staff/privacy/search', { body: { phone: p.phoneForms[3] } });
      assert.deepEqual(
        byPhone.body.appointments.map((a: { appointmentId: string }) => a.appointmentId),
        [id],
        'a number as people type it finds the stored international form',
      );
      const logged = (await accessLog(server, 'search')).filter((row) => row.staff_id === 'an').map((row) => row.detail ?? '');
      assert.ok(logged.length >= 2);
      assert.ok(!logged.some((detail) => needlesOf(p).some((needle) => detail.includes(needle))), 'the search term is not logged');
    });

    it('when the request is not one valid e-mail address or phone number, then 422 with a clear message', async () => {
      assertApiError(await an.request('/api/staff/privacy/search', { body: {} }), 422, 'validation_failed');
      assertApiError(await an.request('/api/staff/privacy/search', { body: { email: 'a@example.org', phone: '0470123456' } }), 422, 'validation_failed');
      assertApiError(await an.request('/api/staff/privacy/search', { body: { email: 'not an address' } }), 422, 'validation_failed');
      assertApiError(await an.request('/api/staff/privacy/search', { body: { phone: '12' } }), 422, 'validation_failed');
    });

    it('when a medewerker, a stranger or a request without CSRF token tries, then it is refused', async () => {
      const p = uniquePerson();
      await personWithData(server, an, p);
      for (const path of ['search', 'export', 'erase']) {
        assertApiError(await chloe.request(`/api/staff/privacy/${path}`, { body: { email: p.email, confirm: true } }), 403, 'forbidden');
        assertApiError(await api(server.url, `/api/staff/privacy/${path}`, { body: { email: p.email, confirm: true } }), 401, 'not_signed_in');
        assertApiError(await an.request(`/api/staff/privacy/${path}`, { body: { email: p.email, confirm: true }, csrf: false }), 403, 'csrf_failed');
      }
      assertApiError(await chloe.request('/api/staff/privacy/erasures'), 403, 'forbidden');
      const still = await an.request('/api/staff/privacy/search', { body: { email: p.email } });
      assert.equal(still.body.appointments.length, 1, 'nothing was erased by the refused requests');
    });
  });

  describe('POST /api/staff/privacy/export', () => {
    it('when a beheerder exports, then the zip holds everything the database holds about the person and the documents byte for byte', async () => {
      const p = uniquePerson();
      const { id } = await personWithData(server, an, p);
      // Delivery changes a webhook row's attempts and times: let it settle, so both readings see one state.
      const pending = async () =>
        Number((await server.app.db.q.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).where('delivered_at', 'is', null).executeTakeFirstOrThrow()).n);
      for (let i = 0; i < 200 && (await pending()) !== 0; i++) await new Promise((r) => setTimeout(r, 25));
      const { response, bytes } = await download(server, an, '/api/staff/privacy/export', { email: p.email });
      assert.equal(response.status, 200, bytes.toString());
      assert.equal(response.headers.get('content-type'), 'application/zip');
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="gegevens-\d{4}-\d\d-\d\d\.zip"$/);
      const entries = await unzip(bytes);
      const json = JSON.parse(entries.get('gegevens.json')!.toString('utf8'));
      assert.deepEqual(json.person, { email: p.email });
      assert.equal(json.appointments.length, 1);
      const [exported] = json.appointments;

      const appointment = await server.app.db.q.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(exported.appointment, withoutSecrets(appointment));
      const expected = Object.fromEntries(Object.entries(await rowsAbout(server.app.db, id)).map(([table, rows]) => [table, rows.map(withoutSecrets)]));
      assert.deepEqual(exported.related, expected);
      for (const table of ['companions', 'documents', 'reminders', 'webhook_deliveries', 'access_log']) {
        assert.ok(expected[table]!.length > 0, `the person has ${table} rows (else the comparison proves little)`);
      }
      assert.ok(JSON.stringify(exported).includes(p.intakeAnswer) && JSON.stringify(exported).includes(p.companion.email));

      const [document] = expected.documents!;
      const file = exported.documentFiles[0].file as string;
      assert.equal(file, `documenten/${document!.id}/attest-${p.tag}.txt`);
      assert.ok(entries.get(file)!.equals(readFileSync(join(server.dataDir, 'documents', String(document!.id)))));
      assert.deepEqual([...entries.keys()].sort(), ['gegevens.json', file].sort());
      const exports = (await accessLog(server, 'export')).map((row) => row.appointment_id);
      assert.ok(exports.includes(id), 'the export is in the access log');
    });
  });

  describe('POST /api/staff/privacy/erase', () => {
    it('when the person has an appointment still to come, then erasing cancels it and frees its time', async () => {
      const p = uniquePerson();
      const { id } = await personWithData(server, an, p);
      const erased = await an.request('/api/staff/privacy/erase', { body: { phone: p.phone, confirm: true } });
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.equal(await appointmentColumn(server, id, 'status'), 'cancelled');
      assert.equal(await appointmentColumn(server, id, 'cancelled_by'), 'erasure');
      assert.deepEqual(await server.app.db.q.selectFrom('slot_claims').selectAll().where('appointment_id', '=', id).execute(), []);
      assert.deepEqual(filesContaining(server.dataDir, needlesOf(p)), []);
    });

    it('when a beheerder erases on request, then nothing of the person is left in any file, the dashboard is unchanged and the erasure is recorded without personal data', async () => {
      const p = uniquePerson();
      const { id, slot } = await personWithData(server, an, p);
      const bystander = uniquePerson();
      const other = await personWithData(server, an, bystander);
      // The request comes after the appointment took place.
      server.clock.set(new Date(Date.parse(slot.end) + 86_400_000));
      const staff = await signIn(server, staffEmail.an);
      assert.equal((await staff.request(`/api/staff/appointments/${id}/held`, { method: 'POST' })).status, 200);
      const before = (await staff.request(dashboardQuery)).body;
      assert.ok(filesContaining(server.dataDir, needlesOf(p)).length > 0);

      assertApiError(await staff.request('/api/staff/privacy/erase', { body: { email: p.email } }), 422, 'validation_failed');
      const erased = await staff.request('/api/staff/privacy/erase', { body: { email: p.email, confirm: true } });
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.deepEqual(
        { staffId: erased.body.erasure.staffId, appointments: erased.body.erasure.appointments, documents: erased.body.erasure.documents },
        { staffId: 'an', appointments: 1, documents: 1 },
      );

      assert.deepEqual(filesContaining(server.dataDir, needlesOf(p)), []);
      assert.ok(filesContaining(server.dataDir, [bystander.email]).length > 0, 'someone else’s data stays');
      assert.deepEqual((await staff.request(dashboardQuery)).body, before);
      assert.equal(await appointmentColumn(server, id, 'status'), 'held');
      assert.equal(await appointmentColumn(server, other.id, 'purged_at'), null);

      const { body } = await staff.request('/api/staff/privacy/erasures');
      const [record] = body.erasures;
      assert.deepEqual({ ...record, id: 0, at: '' }, { id: 0, at: '', staffId: 'an', staffName: 'An Peeters', appointments: 1, companions: 0, documents: 1 });
      assert.ok(!needlesOf(p).some((needle) => JSON.stringify(body).includes(needle)));
      assert.equal((await accessLog(server, 'erase')).filter((row) => row.appointment_id === id).length, 1);

      const again = await staff.request('/api/staff/privacy/search', { body: { email: p.email } });
      assert.deepEqual(again.body.appointments, []);
      assertApiError(await staff.request('/api/staff/privacy/erase', { body: { email: p.email, confirm: true } }), 404, 'nothing_found');
    });
  });
});
