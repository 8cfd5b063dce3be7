import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, staffEmail, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const RANGE = 'from=2027-03-01&to=2027-03-31';
const KIND = 'Heel vriendelijk, maar de klank viel soms weg; "toch" bedankt.';
const FORMULA = '=HYPERLINK("https://example.org","klik")';

/** A video call that staff end, then the citizen's survey answer through the API. */
async function heldCallWithFeedback(server: TestServer, staff: StaffClient, citizen: string, body: { score: number; comment?: string }) {
  server.clock.set(MONDAY);
  const { id, token } = await book(server, await firstSlot(server.url), { citizen: { name: citizen, email: `${citizen.split(' ')[0]!.toLowerCase()}@example.org` } });
  const row = await server.app.db.q.selectFrom('appointments').select('start_at').where('id', '=', id).executeTakeFirstOrThrow();
  server.clock.set(new Date(Date.parse(row.start_at) - 5 * 60_000).toISOString());
  assert.equal((await staff.request(`/api/staff/appointments/${id}/end`, { body: {} })).status, 204);
  assert.equal((await api(server.url, '/api/meeting/feedback', { token, body })).status, 201);
}

describe('GET /api/staff/dashboard/comments and comments.csv', () => {
  let server: TestServer;
  let beheerder: StaffClient;
  let medewerker: StaffClient;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    beheerder = await signIn(server, staffEmail.an);
    assert.equal(beheerder.staff.role, 'beheerder');
    await heldCallWithFeedback(server, beheerder, 'Marie Claes', { score: 4, comment: ` ${KIND} ` });
    await heldCallWithFeedback(server, beheerder, 'Piet Janssens', { score: 5 });
    await heldCallWithFeedback(server, beheerder, 'Lotte Peeters', { score: 1, comment: FORMULA });
    // One from April, outside the range asked for.
    await server.app.db.q.insertInto('feedback').values({ service_id: 'reistoelating', score: 3, comment: 'Later.', created_at: '2027-04-01T22:00:00.000Z' }).execute();
    // Signed in last: the clock moved through the morning, past a session's idle time.
    medewerker = await signIn(server, staffEmail.bart);
    assert.equal(medewerker.staff.role, 'medewerker');
  });
  after(() => server.cleanup());

  it('when a beheerder asks, then each comment of the range comes with service, date and score only, never a name', async () => {
    const { status, body } = await beheerder.request(`/api/staff/dashboard/comments?${RANGE}`);
    assert.equal(status, 200);
    assert.deepEqual(body, {
      from: '2027-03-01',
      to: '2027-03-31',
      truncated: false,
      comments: [
        { serviceId: 'mantelzorgpremie', service: 'Mantelzorgpremie', date: '2027-03-01', score: 1, comment: FORMULA },
        { serviceId: 'mantelzorgpremie', service: 'Mantelzorgpremie', date: '2027-03-01', score: 4, comment: KIND },
      ],
    });
    const text = JSON.stringify(body);
    for (const name of ['Marie', 'Piet', 'Lotte', 'example.org"', '@example']) assert.ok(!text.includes(name), `${name} in ${text}`);
  });

  it('when a medewerker asks, then 403 for the list and the CSV, and no comment in the answer', async () => {
    for (const path of [`/api/staff/dashboard/comments?${RANGE}`, `/api/staff/dashboard/comments.csv?${RANGE}`]) {
      const response = await medewerker.request(path);
      assertApiError(response, 403, 'forbidden');
      assert.ok(!JSON.stringify(response.body).includes('klank'), path);
    }
    // The figures stay theirs to read.
    assert.equal((await medewerker.request(`/api/staff/dashboard?${RANGE}`)).status, 200);
  });

  it('when nobody is signed in, then 401', async () => {
    assert.equal((await api(server.url, `/api/staff/dashboard/comments?${RANGE}`)).status, 401);
    assert.equal((await api(server.url, `/api/staff/dashboard/comments.csv?${RANGE}`)).status, 401);
  });

  it('when a beheerder exports CSV, then it is an attachment with the same comments, formulas made inert', async () => {
    const json = (await beheerder.request(`/api/staff/dashboard/comments?${RANGE}`)).body;
    const response = await fetch(`${server.url}/api/staff/dashboard/comments.csv?${RANGE}`, { headers: { cookie: beheerder.cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="digitale-balie-opmerkingen-2027-03-01-2027-03-31.csv"');
    const rows: Record<string, string>[] = parse(await response.text(), { bom: true, columns: true });
    assert.deepEqual(Object.keys(rows[0]!), ['service_id', 'service', 'date', 'score', 'comment']);
    assert.deepEqual(
      rows,
      json.comments.map((c: Record<string, unknown>) => ({
        service_id: c.serviceId,
        service: c.service,
        date: c.date,
        score: String(c.score),
        // csv-stringify's escape_formulas: a leading quote, so a spreadsheet shows the text and runs nothing.
        comment: c.comment === FORMULA ? `'${FORMULA}` : c.comment,
      })),
    );
  });

  it('when the range holds no comment, or runs backwards, then an empty list, or 422', async () => {
    const april = await beheerder.request('/api/staff/dashboard/comments?from=2027-04-01&to=2027-04-30');
    assert.deepEqual(april.body.comments, [{ serviceId: 'reistoelating', service: 'Reistoelating voor minderjarigen', date: '2027-04-02', score: 3, comment: 'Later.' }]);
    assert.deepEqual((await beheerder.request('/api/staff/dashboard/comments?from=2027-05-01&to=2027-05-31')).body.comments, []);
    assertApiError(await beheerder.request('/api/staff/dashboard/comments?from=2027-03-31&to=2027-03-01'), 422, 'validation_failed');
  });
});
