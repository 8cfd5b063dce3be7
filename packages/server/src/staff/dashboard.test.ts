import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const HOUR = 3_600_000;
const RANGE = 'from=2027-03-01&to=2027-03-31';

/** Parses our CSV; the seeded names hold no comma or quote, so splitting is exact here. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.replace(/^\uFEFF/, '').trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
}

/** The JSON figures written the way the CSV writes them: numbers as text, null as an empty cell. */
function asCsv(f: any) {
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    booked: cell(f.booked),
    held: cell(f.held),
    cancelled: cell(f.cancelled),
    no_shows: cell(f.noShows),
    open: cell(f.open),
    median_lead_time_hours: cell(f.medianLeadTimeHours),
    calls: cell(f.callDuration?.count ?? 0),
    call_average_minutes: cell(f.callDuration?.averageMinutes),
    call_median_minutes: cell(f.callDuration?.medianMinutes),
    satisfaction_count: cell(f.satisfaction?.count ?? 0),
    satisfaction_average: cell(f.satisfaction?.average),
    ...Object.fromEntries([1, 2, 3, 4, 5].map((s) => [`satisfaction_${s}`, cell(f.satisfaction?.distribution[s] ?? 0)])),
  };
}

const pick = (row: Record<string, string>) => {
  const { scope: _scope, service_id: _id, service: _service, from: _from, to: _to, ...figures } = row;
  return figures;
};

describe('GET /api/staff/dashboard and dashboard.csv', () => {
  let server: TestServer;
  let an: StaffClient;
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    const held = await book(server, await firstSlot(server.url));
    const noShow = await book(server, await firstSlot(server.url));
    await book(server, await firstSlot(server.url, 'reistoelating'), { serviceId: 'reistoelating', intake: { bestemming: 'Italië' } });
    const cancelled = await book(server, await firstSlot(server.url, 'woningonderzoek'), { serviceId: 'woningonderzoek', intake: { adres: 'Kerkstraat 1' } });
    await api(server.url, '/api/appointment', { method: 'DELETE', token: cancelled.token });

    server.clock.set('2027-03-01T11:00:00Z');
    an = await signIn(server);
    assert.equal((await an.request(`/api/staff/appointments/${held.id}/held`, { method: 'POST' })).status, 200);
    assert.equal((await an.request(`/api/staff/appointments/${noShow.id}/no-show`, { method: 'POST' })).status, 200);
    // Calls and feedback come from later features: write their columns the way those will.
    await server.app.db.q
      .updateTable('appointments')
      .set({ call_started_at: '2027-03-01T08:02:00.000Z', call_ended_at: '2027-03-01T08:27:30.000Z' })
      .where('id', '=', held.id)
      .execute();
    await server.app.db.q
      .insertInto('feedback')
      .values(
        (
          [
            ['mantelzorgpremie', 5],
            ['mantelzorgpremie', 4],
            ['reistoelating', 2],
          ] as const
        ).map(([serviceId, score]) => ({ service_id: serviceId, score, created_at: '2027-03-01T09:00:00.000Z' })),
      )
      .execute();
  });
  after(() => server.cleanup());

  it('when appointments were booked, held, missed and cancelled, then the figures count them', async () => {
    const { status, body } = await an.request(`/api/staff/dashboard?${RANGE}`);
    assert.equal(status, 200);
    const leadTimes = (await server.app.db.q.selectFrom('appointments').select('start_at').where('status', '!=', 'cancelled').execute())
      .map((row) => (Date.parse(row.start_at) - Date.parse(MONDAY)) / HOUR)
      .sort((a, b) => a - b);
    assert.deepEqual(
      { ...body, perService: undefined },
      {
        from: '2027-03-01',
        to: '2027-03-31',
        booked: 4,
        held: 1,
        cancelled: 1,
        noShows: 1,
        open: 1,
        medianLeadTimeHours: Math.round(leadTimes[1]! * 10) / 10,
        callDuration: { count: 1, averageMinutes: 25.5, medianMinutes: 25.5 },
        satisfaction: { count: 3, average: 3.67, distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 } },
        perService: undefined,
      },
    );
    const woning = body.perService.find((s: { serviceId: string }) => s.serviceId === 'woningonderzoek');
    assert.deepEqual({ booked: woning.booked, cancelled: woning.cancelled, lead: woning.medianLeadTimeHours, satisfaction: woning.satisfaction }, {
      booked: 1,
      cancelled: 1,
      lead: null,
      satisfaction: null,
    });
  });

  it('when exporting CSV, then it is an attachment with the same figures as the JSON', async () => {
    const json = (await an.request(`/api/staff/dashboard?${RANGE}`)).body;
    const response = await fetch(`${server.url}/api/staff/dashboard.csv?${RANGE}`, { headers: { cookie: an.cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="digitale-balie-2027-03-01-2027-03-31.csv"');
    const rows = parseCsv(await response.text());
    assert.equal(rows.length, 1 + json.perService.length);
    assert.deepEqual({ ...rows[0] }, { scope: 'total', service_id: '', service: '', from: '2027-03-01', to: '2027-03-31', ...asCsv(json) });
    for (const service of json.perService) {
      const row = rows.find((r) => r.service_id === service.serviceId)!;
      assert.equal(row.service, service.name);
      assert.deepEqual(pick(row), asCsv(service), service.serviceId);
    }
  });

  it('when nothing happened in the range, then counts are zero and the averages null', async () => {
    const { body } = await an.request('/api/staff/dashboard?from=2027-04-01&to=2027-04-30');
    assert.equal(body.booked, 0);
    assert.equal(body.medianLeadTimeHours, null);
    assert.equal(body.callDuration, null);
    assert.equal(body.satisfaction, null);
  });

  it('when the range is backwards, then 422', async () => {
    assert.equal((await an.request('/api/staff/dashboard?from=2027-03-31&to=2027-03-01')).status, 422);
  });
});
