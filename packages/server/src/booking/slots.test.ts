import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { api, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book } from '../../../../test-support/booking.ts';
import type { Closure, OpeningHours, Service } from '../catalog/types.ts';
import { computeSlots, unitsFor, ZONE, type SlotQuery } from './slots.ts';

type PublicSlot = { start: string; end: string; channel: 'video' | 'counter' | 'phone'; locationId: string | null };

/** "2027-03-30 09:00": wall-clock time in Brussels, which is what opening hours are written in. */
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');
const localDate = (iso: string) => local(iso).slice(0, 10);
const starts = (slots: { start: string }[]) => slots.map((s) => s.start);
const firstOn = (slots: { start: string }[], date: string) => slots.find((s) => localDate(s.start) === date)?.start;

describe('computeSlots', () => {
  const service: Service = {
    id: 'test',
    texts: { nl: { name: 'Test', description: 'Test' } },
    durationMin: 30,
    bufferBeforeMin: 0,
    bufferAfterMin: 0,
    noticeMin: 0,
    horizonDays: 60,
    channels: ['video', 'counter'],
    intake: [],
    requiredDocuments: [],
    active: true,
  };
  let nextId = 1;
  const weekdays = (staffId: string, startTime: string, endTime: string, channel: OpeningHours['channel'] = 'video', locationId: string | null = null) =>
    [1, 2, 3, 4, 5].map((weekday) => ({ id: nextId++, staffId, weekday, startTime, endTime, channel, locationId }));
  const closure = (staffId: string | null, dateFrom: string, dateTo = dateFrom): Closure => ({ id: nextId++, staffId, dateFrom, dateTo, reason: 'test' });
  const claims = (staffId: string, units: string[]) => new Map([[staffId, new Set(units)]]);

  const slots = (q: Partial<SlotQuery> & { now: Date }) =>
    computeSlots({ service, staffIds: ['s1'], hours: weekdays('s1', '09:00', '10:00'), closures: [], claimed: new Map(), days: 7, ...q });

  describe('when the clocks go forward on Sunday 28 March 2027', () => {
    it('then a 09:00 block is 08:00Z on Friday and 07:00Z on Monday and Tuesday', () => {
      const result = slots({ now: new Date('2027-03-25T12:00:00Z'), fromDate: '2027-03-26', days: 5 });
      assert.deepEqual(starts(result), [
        '2027-03-26T08:00:00.000Z',
        '2027-03-26T08:30:00.000Z',
        '2027-03-29T07:00:00.000Z',
        '2027-03-29T07:30:00.000Z',
        '2027-03-30T07:00:00.000Z',
        '2027-03-30T07:30:00.000Z',
      ]);
      assert.ok(result.every((s) => Date.parse(s.end) - Date.parse(s.start) === 30 * 60_000));
    });
  });

  describe('when the clocks go back on Sunday 31 October 2027', () => {
    it('then a 09:00 block is 07:00Z on Friday and 08:00Z on Monday', () => {
      const result = slots({ now: new Date('2027-10-27T12:00:00Z'), fromDate: '2027-10-29', days: 4 });
      assert.deepEqual(starts(result), [
        '2027-10-29T07:00:00.000Z',
        '2027-10-29T07:30:00.000Z',
        '2027-11-01T08:00:00.000Z',
        '2027-11-01T08:30:00.000Z',
      ]);
    });
  });

  describe('when the day has already started', () => {
    // Tuesday 30 March 2027, 09:20 in Brussels.
    const now = new Date('2027-03-30T07:20:00Z');
    const hours = weekdays('s1', '09:00', '12:00');

    it('then no slot lies in the past', () => {
      assert.equal(local(slots({ now, hours, days: 1 })[0]!.start), '2027-03-30 09:30');
    });

    it('then no slot lies within the minimum notice', () => {
      const result = slots({ now, hours, days: 1, service: { ...service, noticeMin: 60 } });
      assert.equal(local(result[0]!.start), '2027-03-30 10:30');
    });

    it('then a start date in the past lists from today', () => {
      assert.deepEqual(slots({ now, hours, fromDate: '2027-03-01', days: 1 }), slots({ now, hours, days: 1 }));
    });
  });

  describe('when the listing reaches past the booking horizon', () => {
    it('then the last slot starts no later than now plus the horizon', () => {
      const now = new Date('2027-03-30T08:00:00Z'); // Tuesday 10:00 in Brussels
      const result = slots({ now, hours: weekdays('s1', '09:00', '12:00'), days: 62, service: { ...service, horizonDays: 7 } });
      assert.equal(local(result.at(-1)!.start), '2027-04-06 10:00');
      assert.deepEqual(slots({ now, fromDate: '2027-04-07', service: { ...service, horizonDays: 7 } }), []);
    });
  });

  describe('when the service has buffers', () => {
    const now = new Date('2027-03-29T12:00:00Z');
    const hours = weekdays('s1', '09:00', '11:00');
    const tuesday = (hhmm: string) => DateTime.fromISO(`2027-03-30T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;

    it('then slots are spaced by duration plus buffers', () => {
      const result = slots({ now, hours, days: 1, fromDate: '2027-03-30', service: { ...service, bufferAfterMin: 10 } });
      assert.deepEqual(result.map((s) => local(s.start).slice(11)), ['09:00', '09:40', '10:20']);
    });

    it('then a claim on the buffer after a slot removes that slot', () => {
      const withAfter = { ...service, bufferAfterMin: 10 };
      const result = slots({ now, hours, days: 1, fromDate: '2027-03-30', service: withAfter, claimed: claims('s1', [tuesday('09:35')]) });
      assert.deepEqual(result.map((s) => local(s.start).slice(11)), ['09:40', '10:20']);
    });

    it('then a claim on the buffer before a slot removes that slot', () => {
      const withBefore = { ...service, bufferBeforeMin: 10 };
      const result = slots({ now, hours, days: 1, fromDate: '2027-03-30', service: withBefore, claimed: claims('s1', [tuesday('09:30')]) });
      assert.deepEqual(result.map((s) => local(s.start).slice(11)), ['09:00', '10:20']);
    });

    it('then a booking claims its buffers in 5-minute units', () => {
      const units = unitsFor(Date.parse(tuesday('09:40')), { ...service, bufferBeforeMin: 10, bufferAfterMin: 5 });
      assert.equal(local(units[0]!), '2027-03-30 09:30');
      assert.equal(local(units.at(-1)!), '2027-03-30 10:10');
      assert.equal(units.length, 9);
    });
  });

  describe('when two staff members work at the same time', () => {
    const now = new Date('2027-03-29T12:00:00Z');
    const both = { now, staffIds: ['s1', 's2'], hours: [...weekdays('s1', '09:00', '10:00'), ...weekdays('s2', '09:00', '10:00')], days: 1, fromDate: '2027-03-30' };

    it('then each time is offered once, with both as candidates', () => {
      const result = slots(both);
      assert.equal(result.length, 2);
      assert.deepEqual(result[0]!.staffIds, ['s1', 's2']);
    });

    it('then a claim of one of them leaves the other as the only candidate', () => {
      const result = slots({ ...both, claimed: claims('s1', ['2027-03-30T07:00:00.000Z']) });
      assert.deepEqual(result.map((s) => s.staffIds), [['s2'], ['s1', 's2']]);
    });

    it('then a closure of one of them leaves the other', () => {
      const result = slots({ ...both, closures: [closure('s2', '2027-03-29', '2027-03-31')] });
      assert.deepEqual(result.map((s) => s.staffIds), [['s1'], ['s1']]);
    });

    it('then a municipality-wide closure removes the whole day, and only that day', () => {
      const result = slots({ ...both, days: 2, closures: [closure(null, '2027-03-30')] });
      assert.deepEqual([...new Set(result.map((s) => localDate(s.start)))], ['2027-03-31']);
    });
  });

  describe('when a staff member works at two counters', () => {
    const now = new Date('2027-03-29T12:00:00Z');
    const hours = [...weekdays('s1', '09:00', '10:00', 'counter', 'north'), ...weekdays('s2', '09:00', '10:00', 'counter', 'south'), ...weekdays('s1', '13:00', '14:00')];
    const q = { now, staffIds: ['s1', 's2'], hours, days: 1, fromDate: '2027-03-30' };

    it('then the same time is offered at each location', () => {
      const result = slots({ ...q, channel: 'counter' });
      assert.deepEqual(
        result.map((s) => `${local(s.start).slice(11)} ${s.locationId}`),
        ['09:00 north', '09:00 south', '09:30 north', '09:30 south'],
      );
    });

    it('then a location filter lists only that counter', () => {
      assert.deepEqual([...new Set(slots({ ...q, locationId: 'south' }).map((s) => s.locationId))], ['south']);
    });

    it('then a channel filter lists only that channel', () => {
      assert.deepEqual([...new Set(slots({ ...q, channel: 'video' }).map((s) => s.channel))], ['video']);
    });
  });
});

describe('GET /api/services/:id/slots', () => {
  const list = async (server: TestServer, query: string, serviceId = 'mantelzorgpremie'): Promise<PublicSlot[]> => {
    const response = await api(server.url, `/api/services/${serviceId}/slots?${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.slots;
  };

  describe('with the demo municipality', () => {
    let server: TestServer;
    // Thursday 25 March 2027, 10:00 in Brussels: the clocks go forward three days later.
    before(async () => (server = await startTestServer({ clock: testClock('2027-03-25T09:00:00Z') })));
    after(() => server.cleanup());

    it('when the clocks go forward, then a 09:00 block is 08:00Z on Friday and 07:00Z on Tuesday', async () => {
      const slots = await list(server, 'channel=video&from=2027-03-26&days=5');
      assert.equal(firstOn(slots, '2027-03-26'), '2027-03-26T08:00:00.000Z');
      assert.equal(firstOn(slots, '2027-03-30'), '2027-03-30T07:00:00.000Z');
      assert.ok(slots.every((s) => local(s.start).slice(11) >= '09:00'), 'every slot is inside the local opening hours');
    });

    it('when the clocks go back, then a 09:00 block is 07:00Z on Friday and 08:00Z on Tuesday', async (t) => {
      t.after(() => server.clock.set('2027-03-25T09:00:00Z'));
      server.clock.set('2027-10-28T09:00:00Z');
      const slots = await list(server, 'channel=video&from=2027-10-29&days=5');
      assert.equal(firstOn(slots, '2027-10-29'), '2027-10-29T07:00:00.000Z');
      assert.equal(firstOn(slots, '2027-11-02'), '2027-11-02T08:00:00.000Z');
      assert.equal(firstOn(slots, '2027-11-01'), undefined, 'All Saints’ Day is a public holiday');
    });

    it('when a public holiday falls in the range, then nothing is offered that day, evening included', async () => {
      const slots = await list(server, 'from=2027-03-29&days=8');
      assert.equal(firstOn(slots, '2027-03-29'), undefined, 'Easter Monday');
      const nextMonday = slots.filter((s) => localDate(s.start) === '2027-04-05' && s.channel === 'video').map((s) => local(s.start).slice(11));
      assert.deepEqual(nextMonday, ['09:00', '09:40', '10:20', '11:00', '17:00', '17:40', '18:20', '19:00']);
    });

    it('when the service offers phone call-backs, then they are offered at the staff’s video times, and only there', async () => {
      const all = await list(server, 'from=2027-03-29&days=8');
      const phone = await list(server, 'channel=phone&from=2027-03-29&days=8');
      const video = await list(server, 'channel=video&from=2027-03-29&days=8');
      assert.ok(phone.length > 0 && phone.every((s) => s.channel === 'phone' && s.locationId === null));
      assert.deepEqual(phone.map((s) => [s.start, s.end]), video.map((s) => [s.start, s.end]));
      assert.deepEqual(all.filter((s) => s.channel === 'phone'), phone);
      // A service without phone offers none.
      assert.deepEqual(await list(server, 'channel=phone&days=8', 'woningonderzoek'), []);
    });

    it('when the service has an evening block, then evening slots are offered', async () => {
      const slots = await list(server, 'channel=video&days=1');
      assert.deepEqual(
        slots.map((s) => local(s.start).slice(11)),
        ['17:00', '17:40', '18:20', '19:00'],
        'Thursday evening; the morning is within the two hours’ notice',
      );
    });

    it('when asked for counters, then two locations are offered, each on its own day', async () => {
      const slots = await list(server, 'channel=counter&from=2027-03-29&days=7');
      const byLocation = (id: string) => new Set(slots.filter((s) => s.locationId === id).map((s) => localDate(s.start)));
      assert.deepEqual(byLocation('gemeentehuis'), new Set(['2027-03-30']));
      assert.deepEqual(byLocation('sociaal-huis'), new Set(['2027-03-31']));
      assert.ok(slots.every((s) => s.channel === 'counter'));
      assert.equal(local(slots[0]!.start), '2027-03-30 13:30');

      const atOne = await list(server, 'channel=counter&location=sociaal-huis&from=2027-03-29&days=7');
      assert.ok(atOne.length > 0 && atOne.every((s) => s.locationId === 'sociaal-huis'));
      const locations = await api(server.url, '/api/locations');
      assert.deepEqual(locations.body.map((l: { id: string }) => l.id).sort(), ['gemeentehuis', 'sociaal-huis']);
    });

    it('when the day has started, then no slot lies in the past or within the minimum notice', async (t) => {
      t.after(() => server.clock.set('2027-03-25T09:00:00Z'));
      server.clock.set('2027-03-30T07:30:00Z'); // Tuesday 09:30 in Brussels; the notice is 120 minutes
      const slots = await list(server, 'from=2027-03-29&days=2');
      assert.ok(slots.every((s) => Date.parse(s.start) >= Date.parse('2027-03-30T09:30:00Z')));
      assert.equal(local(slots[0]!.start), '2027-03-30 13:30', 'the first is the counter after lunch');
      const reistoelating = await list(server, 'channel=video&days=1', 'reistoelating'); // 60 minutes' notice
      assert.equal(local(reistoelating[0]!.start), '2027-03-30 10:40');
    });

    it('when the listing reaches past the horizon, then nothing later than 28 days ahead is offered', async () => {
      const slots = await list(server, 'days=62');
      // 28 days after Thursday 10:00 is Thursday 22 April 10:00, local time: in summer time by then.
      assert.equal(local(slots.at(-1)!.start), '2027-04-22 09:40');
      assert.deepEqual(await list(server, 'from=2027-04-23'), []);
    });

    it('when the service has a buffer, then slots are 40 minutes apart for a 30-minute talk', async () => {
      const slots = await list(server, 'channel=video&from=2027-03-30&days=1');
      assert.deepEqual(starts(slots), ['2027-03-30T07:00:00.000Z', '2027-03-30T07:40:00.000Z', '2027-03-30T08:20:00.000Z', '2027-03-30T09:00:00.000Z']);
      assert.ok(slots.every((s) => Date.parse(s.end) - Date.parse(s.start) === 30 * 60_000));
    });

    it('when the query is not valid, then 422 names the parameter', async () => {
      const cases = [
        ['days=0', 'days'],
        ['days=63', 'days'],
        ['from=30-03-2027', 'from'],
        ['channel=fax', 'channel'],
        ['location=../x', 'location'],
        ['staff=an', '(body)'], // an unknown parameter
      ];
      for (const [query, field] of cases) {
        const error = assertApiError(await api(server.url, `/api/services/mantelzorgpremie/slots?${query}`), 422, 'validation_failed');
        assert.deepEqual(Object.keys(error.fields ?? {}), [field], query);
      }
    });

    it('when the service does not exist, then 404', async () => {
      assertApiError(await api(server.url, '/api/services/paspoort/slots'), 404, 'not_found');
    });

    it('then the listing is never cached', async () => {
      const response = await api(server.url, '/api/services/mantelzorgpremie/slots');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    });
  });

  describe('when time is booked or closed', () => {
    let server: TestServer;
    before(async () => (server = await startTestServer({ clock: testClock('2027-03-25T09:00:00Z') })));
    after(() => server.cleanup());

    it('then a time is offered until every staff member who can serve it is booked', async () => {
      const video = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null };
      await book(server, video);
      assert.ok(starts(await list(server, 'channel=video&from=2027-03-30&days=1')).includes(video.start), 'a second staff member is free');
      await book(server, video);
      const after = starts(await list(server, 'channel=video&from=2027-03-30&days=1'));
      assert.ok(!after.includes(video.start));
      assert.ok(after.includes('2027-03-30T07:40:00.000Z'), 'the next slot stays');
    });

    it('then a booking for one service removes the staff member’s overlapping slots for other services, buffers included', async () => {
      // An alone serves the counter at the Gemeentehuis on Tuesday, for both services.
      const before = (await list(server, 'channel=counter&location=gemeentehuis&from=2027-03-30&days=1', 'reistoelating')).map((s) => local(s.start).slice(11));
      assert.deepEqual(before.slice(0, 3), ['13:30', '13:55', '14:20']);
      await book(server, { start: '2027-03-30T11:30:00.000Z', channel: 'counter', locationId: 'gemeentehuis' }); // 13:30–14:00, buffer to 14:10
      const after = (await list(server, 'channel=counter&location=gemeentehuis&from=2027-03-30&days=1', 'reistoelating')).map((s) => local(s.start).slice(11));
      assert.deepEqual(after.slice(0, 1), ['14:20']);
      const mantelzorg = await list(server, 'channel=counter&location=gemeentehuis&from=2027-03-30&days=1');
      assert.ok(!starts(mantelzorg).includes('2027-03-30T11:30:00.000Z'));
    });

    it('then a closure of one staff member removes only their slots, only on those days', async () => {
      await server.app.db.q.insertInto('closures').values({ staff_id: 'an', date_from: '2027-04-06', date_to: '2027-04-06', reason: 'verlof' }).execute();
      const slots = await list(server, 'from=2027-04-06&days=8');
      const counter = (date: string) => slots.filter((s) => s.locationId === 'gemeentehuis' && localDate(s.start) === date);
      assert.equal(counter('2027-04-06').length, 0, 'An is away: no counter at the Gemeentehuis');
      assert.equal(counter('2027-04-13').length, 4, 'a week later An is back');
      assert.equal(firstOn(slots, '2027-04-06'), '2027-04-06T07:00:00.000Z', 'Chloé still takes video calls');
    });

    it('then a municipality-wide closure removes every slot in its range', async () => {
      await server.app.db.q.insertInto('closures').values({ staff_id: null, date_from: '2027-04-14', date_to: '2027-04-15', reason: 'verhuis' }).execute();
      const slots = await list(server, 'from=2027-04-13&days=4');
      assert.deepEqual([...new Set(slots.map((s) => localDate(s.start)))], ['2027-04-13', '2027-04-16']);
    });
  });
});
