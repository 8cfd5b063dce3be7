import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';

const REQUESTS = 500;
// Tuesday 30 March 2027 13:30: only An works the counter at the Gemeentehuis on Tuesdays, so the
// slot has exactly one place (see booking/concurrency.test.ts, which checks that precondition).
const slot = { start: '2027-03-30T11:30:00.000Z', channel: 'counter', locationId: 'gemeentehuis' } as const;

describe(`reliability: ${REQUESTS} citizens book the same single-staff slot at once`, () => {
  let server: TestServer;
  let responses: Awaited<ReturnType<typeof api>>[];
  /** The one number a query such as sql`SELECT count(*) AS n FROM …` answers. */
  const count = async (query: RawBuilder<{ n: number }>) => Number((await query.execute(server.app.db.q)).rows[0]!.n);

  before(async () => {
    server = await startTestServer({ clock: testClock('2027-03-25T09:00:00Z') });
    // Every request brings a companion and intake answers: more rows that a loser must not leave behind.
    responses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        api(server.url, '/api/appointments', {
          body: bookingBody(slot, {
            citizen: { name: `Burger ${i}`, email: `burger${i}@example.org` },
            companion: { name: `Helper ${i}`, email: `helper${i}@example.org`, role: 'carer' },
          }),
        }),
      ),
    );
  });
  after(() => server.cleanup());

  it('then exactly one request gets 201 and the others a 409 slot_taken with a JSON error body', () => {
    const statuses = new Map<number, number>();
    for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(statuses), { 201: 1, 409: REQUESTS - 1 });
    for (const r of responses.filter((r) => r.status === 409)) {
      const error = assertApiError(r, 409, 'slot_taken');
      assert.ok(Array.isArray(error.details?.alternatives), 'a loser is offered other times');
      assert.ok(!error.details.alternatives.some((a: { start: string }) => a.start === slot.start));
    }
  });

  it('then the database holds one appointment, its claims, its companion and its reminders, and nothing of the losers', async () => {
    const winner = responses.find((r) => r.status === 201)!.body.appointment;
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM appointments`), 1);
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM appointments WHERE id = ${winner.id} AND staff_id = ${'an'} AND start_at = ${slot.start}`), 1);
    // 30 minutes plus a 10-minute buffer in 5-minute units.
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM slot_claims`), 8);
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM slot_claims WHERE appointment_id = ${winner.id}`), 8);
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM companions`), 1);
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM companions WHERE appointment_id = ${winner.id}`), 1);
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM reminders`), 2, 'a day and an hour before');
    assert.equal(await count(sql`SELECT COUNT(*) AS n FROM reminders WHERE appointment_id = ${winner.id}`), 2);
  });

  it('then only the winner and their companion get a mail, one each', async () => {
    const winner = responses.find((r) => r.status === 201)!.body.appointment;
    const index = /^Burger (\d+)$/.exec(winner.citizenName)?.[1];
    const mails = await sentMails(server);
    assert.deepEqual(mails.map((m) => m.to).sort(), [`burger${index}@example.org`, `helper${index}@example.org`]);
  });

  it('then the slot is no longer offered and a late request is refused the same way', async () => {
    const listing = await api(server.url, '/api/services/mantelzorgpremie/slots?channel=counter&location=gemeentehuis&from=2027-03-30&days=1');
    assert.equal(listing.status, 200);
    assert.ok(!listing.body.slots.some((s: { start: string }) => s.start === slot.start));
    assertApiError(await api(server.url, '/api/appointments', { body: bookingBody(slot) }), 409, 'slot_taken');
  });
});
