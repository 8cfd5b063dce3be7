import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { openDatabase } from '../db/database.ts';
import { bookingStore, isConflict } from './store.ts';

const REQUESTS = 300;

/** Fires `count` bookings at once, each from a different citizen. */
const race = (server: TestServer, slot: { start: string; channel: string; locationId: string | null }, count = REQUESTS) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      api(server.url, '/api/appointments', { body: bookingBody(slot, { citizen: { name: `Burger ${i}`, email: `burger${i}@example.org` } }) }),
    ),
  );

describe('POST /api/appointments, many at once for one slot', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ env: { PUBLIC_URL: 'https://balie.wilsede.test' }, clock: testClock('2027-03-25T09:00:00Z') })));
  after(() => server.cleanup());

  const rows = (sql: string, ...params: unknown[]) => server.app.db.prepare(sql).all(...params) as Record<string, unknown>[];

  describe(`when only one staff member can serve the slot and ${REQUESTS} citizens want it`, () => {
    // Tuesday 30 March 13:30: only An works the counter at the Gemeentehuis on Tuesdays.
    const slot = { start: '2027-03-30T11:30:00.000Z', channel: 'counter', locationId: 'gemeentehuis' } as const;

    it('then exactly one request gets 201 and every other one 409 slot_taken', async () => {
      const servers = rows(
        `SELECT DISTINCT h.staff_id FROM opening_hours h JOIN staff_services s ON s.staff_id = h.staff_id
         WHERE s.service_id = 'mantelzorgpremie' AND h.location_id = 'gemeentehuis' AND h.weekday = 2`,
      );
      assert.deepEqual(servers, [{ staff_id: 'an' }], 'precondition: one staff member serves this slot');

      const responses = await race(server, slot);
      const won = responses.filter((r) => r.status === 201);
      assert.equal(won.length, 1);
      const lost = responses.filter((r) => r.status !== 201);
      assert.equal(lost.length, REQUESTS - 1);
      for (const response of lost) assertApiError(response, 409, 'slot_taken');

      const winner = won[0]!.body.appointment;
      assert.deepEqual(rows('SELECT id, staff_id, start_at FROM appointments'), [{ id: winner.id, staff_id: 'an', start_at: slot.start }]);
      const claims = rows('SELECT staff_id, unit_at, appointment_id FROM slot_claims ORDER BY unit_at');
      assert.equal(claims.length, 8, '30 minutes plus a 10-minute buffer: eight 5-minute units');
      assert.ok(claims.every((c) => c.appointment_id === winner.id && c.staff_id === 'an'));
      assert.equal(claims[0]!.unit_at, slot.start);
      assert.deepEqual(
        rows('SELECT DISTINCT appointment_id FROM reminders').map((r) => r.appointment_id),
        [winner.id],
      );

      const mails = await sentMails(server);
      assert.equal(mails.length, 1, 'one confirmation, only to the winner');
      const index = Number(/Burger (\d+)/.exec(mails[0]!.text)?.[1]);
      assert.equal(mails[0]!.to, `burger${index}@example.org`);

      const listing = await api(server.url, '/api/services/mantelzorgpremie/slots?channel=counter&location=gemeentehuis&from=2027-03-30&days=1');
      assert.ok(!listing.body.slots.some((s: { start: string }) => s.start === slot.start));
    });
  });

  describe('when two staff members can serve the slot', () => {
    // Tuesday 30 March 09:00: An and Chloé both take video calls for this service.
    const slot = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null } as const;

    it('then exactly two requests get 201, one per staff member', async () => {
      const responses = await race(server, slot, 100);
      const won = responses.filter((r) => r.status === 201);
      assert.equal(won.length, 2);
      assert.equal(responses.filter((r) => r.status === 409).length, 98);
      const booked = rows('SELECT staff_id FROM appointments WHERE start_at = ? ORDER BY staff_id', slot.start);
      assert.deepEqual(booked.map((r) => r.staff_id), ['an', 'chloe']);
    });
  });

  describe('when a second process claims time already claimed through another connection', () => {
    it('then the primary key refuses it and the whole booking rolls back', async () => {
      const db = openDatabase(server.dataDir);
      try {
        const store = bookingStore(db);
        const [taken] = server.app.db.prepare('SELECT appointment_id AS id, staff_id AS staffId, unit_at AS unit FROM slot_claims LIMIT 1').all() as {
          id: string;
          staffId: string;
          unit: string;
        }[];
        const existing = store.get(taken!.id)!;
        const intruder = { ...existing, id: 'intruder', tokenHash: 'intruder-hash' };
        assert.throws(() => store.create(intruder, [taken!.unit]), isConflict);
        assert.equal(store.get('intruder'), undefined, 'no appointment without its claims');
        // The first unit is free: it must not stay claimed when the second fails.
        assert.throws(() => store.create(intruder, ['2027-12-01T08:00:00.000Z', taken!.unit]), isConflict);
        assert.equal(db.prepare("SELECT COUNT(*) FROM slot_claims WHERE appointment_id = 'intruder'").pluck().get(), 0);
      } finally {
        db.close();
      }
    });
  });
});
