import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { filesContaining, needlesOf, personWithData, rowsAbout, uniquePerson } from '../../../../test-support/privacy.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail } from '../../../../test-support/staff.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const DAY = 86_400_000;
const RETENTION_DAYS = 30;
const dashboardQuery = '/api/staff/dashboard?from=2027-02-20&to=2027-04-30';

describe('retention', () => {
  let server: TestServer;
  // Signed in anew after each jump of the clock: a session lives hours, these tests travel weeks.
  const an = () => signIn(server, staffEmail.an);
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const clock = testClock(MONDAY);

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({
      clock,
      env: { RETENTION_DAYS: String(RETENTION_DAYS), WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 'retention-test-secret-0123456789' },
    });
  });
  after(async () => {
    await server.cleanup();
    await receiver.close();
  });

  const dashboard = async () => {
    const response = await (await an()).request(dashboardQuery);
    assert.equal(response.status, 200);
    return response.body;
  };
  const purgedAt = async (id: string) => (await server.app.db.q.selectFrom('appointments').select('purged_at').where('id', '=', id).executeTakeFirst())?.purged_at;
  const appointments = () => server.app.db.q.selectFrom('appointments').selectAll().orderBy('id').execute();

  it('when an appointment is RETENTION_DAYS past its end, then no file under DATA_DIR holds the person, and the dashboard is unchanged', async () => {
    const p = uniquePerson();
    const { id, token, slot } = await personWithData(server, await an(), p);
    clock.set(new Date(Date.parse(slot.end) + 60_000));
    assert.equal((await (await an()).request(`/api/staff/appointments/${id}/held`, { method: 'POST' })).status, 200);
    // An old survey answer whose free text names the person; the score is what the dashboard counts.
    await server.app.db.q.insertInto('feedback').values({ service_id: 'mantelzorgpremie', score: 4, comment: `Dank ${p.name}`, created_at: slot.end }).execute();
    assert.ok((await rowsAbout(server.app.db, id)).webhook_deliveries!.length > 0, 'the booking queued webhook rows');
    assert.ok((await rowsAbout(server.app.db, id)).documents!.length === 1);
    const before = await dashboard();
    assert.ok(filesContaining(server.dataDir, needlesOf(p)).length > 0, 'the data is on disk before the sweep (else this test proves nothing)');

    clock.set(new Date(Date.parse(slot.end) + (RETENTION_DAYS - 1) * DAY));
    assert.equal((await server.app.retention.sweep.run()).appointments, 0, 'not before RETENTION_DAYS');
    assert.equal(await purgedAt(id), null);

    clock.set(new Date(Date.parse(slot.end) + (RETENTION_DAYS + 1) * DAY));
    const counts = await server.app.retention.sweep.run();
    assert.ok(counts.appointments >= 1 && counts.documents >= 1 && counts.mails >= 2, JSON.stringify(counts));

    assert.deepEqual(filesContaining(server.dataDir, needlesOf(p)), []);
    assert.deepEqual(await dashboard(), before);
    const related = await rowsAbout(server.app.db, id);
    for (const [table, rows] of Object.entries(related)) {
      // The access log keeps ids only (who opened which dossier), for ACCESS_LOG_DAYS of its own.
      if (table !== 'access_log') assert.deepEqual(rows, [], `${table} still refers to the appointment`);
    }
    const row = await server.app.db.q.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'held');
    assert.equal(row.service_id, 'mantelzorgpremie');
    assert.equal(row.start_at, slot.start);
    assert.ok(row.purged_at);
    assert.equal((await server.app.db.q.selectFrom('feedback').select('comment').where('created_at', '=', slot.end).executeTakeFirstOrThrow()).comment, null);
    assert.equal((await api(server.url, '/api/appointment', { token })).status, 401, 'the personal link opens nothing');
    assert.ok(
      server.logLines.some((line) => /retention: 1 appointments erased \(1 documents, \d+ mails\)/.test(line)),
      server.logLines.join('\n'),
    );
    assert.ok(!server.logLines.some((line) => needlesOf(p).some((needle) => line.includes(needle))), 'the log holds counts, never content');
  });

  it('when the sweep runs twice, then the second run finds nothing and changes nothing', async () => {
    const before = await dashboard();
    const rows = await appointments();
    const counts = await server.app.retention.sweep.run();
    assert.deepEqual(counts, { appointments: 0, documents: 0, mails: 0, feedbackComments: 0, failed: 0 });
    assert.deepEqual(await appointments(), rows);
    assert.deepEqual(await dashboard(), before);
  });

  it('when a cancelled appointment is RETENTION_DAYS past its cancellation, then it is erased before its own retention date', async () => {
    clock.set(MONDAY);
    const p = uniquePerson();
    const later = await firstSlot(server.url, 'mantelzorgpremie', 'channel=video&from=2027-03-26');
    const { id, token } = await book(server, later, { citizen: { name: p.name, email: p.email } });
    assert.equal((await api(server.url, '/api/appointment', { token, method: 'DELETE' })).status, 200);
    await server.app.booking.flush();
    clock.set(new Date(Date.parse(MONDAY) + RETENTION_DAYS * DAY + 3_600_000));
    assert.ok(Date.parse(later.end) + RETENTION_DAYS * DAY > clock.now().getTime(), 'counted from its end, it would stay');
    await server.app.retention.sweep.run();
    assert.ok(await purgedAt(id));
    assert.deepEqual(filesContaining(server.dataDir, [p.name, p.email]), []);
  });

  it('when a sweep dies after the first appointment, then the next run finishes the job', async () => {
    clock.set(MONDAY);
    const people = [uniquePerson(), uniquePerson()];
    const ids: string[] = [];
    for (const p of people) ids.push((await personWithData(server, await an(), p, `channel=video&from=2027-03-0${2 + ids.length}`)).id);
    clock.set(new Date(Date.parse(MONDAY) + (RETENTION_DAYS + 10) * DAY));
    await assert.rejects(
      server.app.retention.sweep.run({
        afterAppointment: () => {
          throw new Error('killed halfway');
        },
      }),
      /killed halfway/,
    );
    assert.equal((await Promise.all(ids.map(purgedAt))).filter(Boolean).length, 1, 'one erased, one left');
    const counts = await server.app.retention.sweep.run();
    assert.equal(counts.appointments, 1);
    assert.ok((await Promise.all(ids.map(purgedAt))).every(Boolean));
    assert.deepEqual(filesContaining(server.dataDir, people.flatMap(needlesOf)), []);
  });

  it('when an appointment is within RETENTION_DAYS, then nothing of it is touched', async () => {
    const p = uniquePerson();
    clock.set(new Date(Date.parse(MONDAY) + 50 * DAY));
    const { id } = await book(server, await firstSlot(server.url), { citizen: { name: p.name, email: p.email } });
    await server.app.retention.sweep.run();
    assert.equal(await purgedAt(id), null);
    const { body } = await (await an()).request(`/api/staff/appointments/${id}`);
    assert.equal(body.citizen.name, p.name);
  });
});
