import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, testDatabaseUrl, testSchema, type TestServer } from '../../../../test-support/server.ts';
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

  const rows = async (query: RawBuilder<Record<string, unknown>>) => (await query.execute(server.app.db.q)).rows;

  describe(`when only one staff member can serve the slot and ${REQUESTS} citizens want it`, () => {
    // Tuesday 30 March 13:30: only An works the counter at the Gemeentehuis on Tuesdays.
    const slot = { start: '2027-03-30T11:30:00.000Z', channel: 'counter', locationId: 'gemeentehuis' } as const;

    it('then exactly one request gets 201 and every other one 409 slot_taken', async () => {
      const servers = await rows(
        sql`SELECT DISTINCT h.staff_id FROM opening_hours h JOIN staff_services s ON s.staff_id = h.staff_id
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
      assert.deepEqual(await rows(sql`SELECT id, staff_id, start_at FROM appointments`), [{ id: winner.id, staff_id: 'an', start_at: slot.start }]);
      const claims = await rows(sql`SELECT staff_id, unit_at, appointment_id FROM slot_claims ORDER BY unit_at`);
      assert.equal(claims.length, 8, '30 minutes plus a 10-minute buffer: eight 5-minute units');
      assert.ok(claims.every((c) => c.appointment_id === winner.id && c.staff_id === 'an'));
      assert.equal(claims[0]!.unit_at, slot.start);
      assert.deepEqual(
        (await rows(sql`SELECT DISTINCT appointment_id FROM reminders`)).map((r) => r.appointment_id),
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
      const booked = await rows(sql`SELECT staff_id FROM appointments WHERE start_at = ${slot.start} ORDER BY staff_id`);
      assert.deepEqual(booked.map((r) => r.staff_id), ['an', 'chloe']);
    });
  });

  describe('when a second process claims time already claimed through another connection', () => {
    it('then the primary key refuses it and the whole booking rolls back', async () => {
      const db = openDatabase({
        dataDir: server.dataDir,
        databaseUrl: testDatabaseUrl,
        schema: testDatabaseUrl && testSchema(server.dataDir),
      });
      try {
        await db.ready();
        const store = bookingStore(db);
        const taken = await server.app.db.q
          .selectFrom('slot_claims')
          .select(['appointment_id as id', 'staff_id as staffId', 'unit_at as unit'])
          .limit(1)
          .executeTakeFirstOrThrow();
        const existing = (await store.get(taken.id))!;
        const intruder = { ...existing, id: 'intruder', tokenHash: 'intruder-hash' };
        await assert.rejects(store.create(intruder, [taken.unit]), isConflict);
        assert.equal(await store.get('intruder'), undefined, 'no appointment without its claims');
        // The first unit is free: it must not stay claimed when the second fails.
        await assert.rejects(store.create(intruder, ['2027-12-01T08:00:00.000Z', taken.unit]), isConflict);
        const left = await db.q.selectFrom('slot_claims').select('unit_at').where('appointment_id', '=', 'intruder').execute();
        assert.equal(left.length, 0);
      } finally {
        await db.close();
      }
    });
  });
});
