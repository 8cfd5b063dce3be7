// Issue 10, item 4: what an attacker did with the public booking API, done again, and refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book, type TestSlot } from '../../../../test-support/booking.ts';
import { productionLimits } from '../../../../test-support/limits.ts';
import { sentMails } from '../../../../test-support/outbox.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { MAX_INVITATIONS } from './service.ts';

// Thursday 25 March 2027, 10:00 in Brussels.
const NOW = '2027-03-25T09:00:00Z';
const env = { PUBLIC_URL: 'https://balie.wilsede.test', ...productionLimits };

/** The one number a query such as sql`SELECT count(*) AS n FROM …` answers. */
const count = async (server: TestServer, query: RawBuilder<{ n: number }>) => Number((await query.execute(server.app.db.q)).rows[0]!.n);
const appointments = (server: TestServer) => count(server, sql`SELECT count(*) AS n FROM appointments`);
const invitesTo = async (server: TestServer, email: string) => (await sentMails(server)).filter((m) => m.to === email).length;
type Slot = TestSlot & { end: string };
/** The video slots offered over the next fortnight. */
const videoSlots = async (server: TestServer): Promise<Slot[]> =>
  (await api(server.url, '/api/services/mantelzorgpremie/slots?channel=video&days=14')).body.slots;

describe('names our mails repeat to any address', () => {
  let server: TestServer;
  let slots: Slot[];
  before(async () => {
    server = await startTestServer({ env, clock: testClock(NOW) });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  const phishing = 'Marie\nUw premie wacht: https://wilsede-premie.top/aanvraag';

  it('when the citizen’s name holds a line break and a link, then 422 names citizen.name and nothing is stored or mailed', async () => {
    const before = await appointments(server);
    const error = assertApiError(
      await api(server.url, '/api/appointments', { body: bookingBody(slots[0]!, { citizen: { name: phishing, email: 'victim@example.org' } }) }),
      422,
      'validation_failed',
    );
    assert.ok(error.fields?.['citizen.name'], JSON.stringify(error));
    assert.equal(await appointments(server), before);
    assert.equal(await invitesTo(server, 'victim@example.org'), 0);
  });

  it('when a companion’s name holds a bare domain, then 422 names companion.name and the companion gets no mail', async () => {
    const body = bookingBody(slots[0]!, { companion: { name: 'Jan kbc-veilig.top', email: 'victim2@example.org', role: 'carer' } });
    const error = assertApiError(await api(server.url, '/api/appointments', { body }), 422, 'validation_failed');
    assert.match(error.fields?.['companion.name'] ?? '', /link, web address/);
    assert.equal(await invitesTo(server, 'victim2@example.org'), 0);
  });

  it('when a companion is added through the link with a link or a right-to-left override in the name, then 422 and no invitation', async () => {
    const { token, id } = await book(server, slots[1]!, { citizen: { name: 'Marie Claes', email: 'marie1@example.org' } });
    for (const name of ['Jan www.wilsede-premie.top', 'Jan\u202epot.eimerp', 'Jan\r\nBcc: iedereen']) {
      const response = await api(server.url, '/api/appointment/companions', { token, body: { name, email: 'victim3@example.org', role: 'carer' } });
      assert.ok(assertApiError(response, 422, 'validation_failed').fields?.name, name);
    }
    assert.equal(await count(server, sql`SELECT count(*) AS n FROM companions WHERE appointment_id = ${id}`), 0);
    assert.equal(await invitesTo(server, 'victim3@example.org'), 0);
  });

  it('when names are real (accents, initials, particles), then booking and inviting work and the mail greets them as written', async () => {
    const { token } = await book(server, slots[2]!, {
      citizen: { name: 'Zoë d’Hondt', email: 'zoe@example.org' },
      companion: { name: 'J.P. Dupont', email: 'jp@example.org', role: 'interpreter' },
    });
    const added = await api(server.url, '/api/appointment/companions', { token, body: { name: 'Ann-Sofie Van den Broeck', email: 'ann@example.org', role: 'family' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const mails = await sentMails(server);
    assert.match(mails.find((m) => m.to === 'zoe@example.org')!.text, /Zoë d’Hondt/);
    assert.match(mails.find((m) => m.to === 'jp@example.org')!.text, /J\.P\. Dupont/);
    assert.match(mails.find((m) => m.to === 'ann@example.org')!.text, /Ann-Sofie Van den Broeck/);
  });
});

describe('companion invitations over an appointment’s life', () => {
  let server: TestServer;
  let slots: Slot[];
  before(async () => {
    // The change limits per link are lifted here: this is about the lifetime cap, which holds whatever the pace.
    server = await startTestServer({ env: { ...env, RATE_LIMIT_CHANGES_PER_LINK: '0', RATE_LIMIT_CHANGES_PER_ADDRESS: '0' }, clock: testClock(NOW) });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  it(`when a companion is added and removed again and again, then after ${MAX_INVITATIONS} invitations 409 too_many_invitations and no more mail`, async () => {
    const victim = { name: 'Jan Claes', email: 'victim@example.org', role: 'carer' };
    const { token, id } = await book(server, slots[0]!, { citizen: { name: 'Marie Claes', email: 'marie@example.org' }, companion: victim });
    let companionId = (await api(server.url, '/api/appointment', { token })).body.companions[0].id as string;
    for (let i = 1; i < MAX_INVITATIONS; i++) {
      assert.equal((await api(server.url, `/api/appointment/companions/${companionId}`, { method: 'DELETE', token })).status, 204);
      const added = await api(server.url, '/api/appointment/companions', { token, body: victim });
      assert.equal(added.status, 201, `invitation ${i + 1}: ${JSON.stringify(added.body)}`);
      companionId = added.body.id;
    }
    assert.equal((await api(server.url, `/api/appointment/companions/${companionId}`, { method: 'DELETE', token })).status, 204);
    const refused = await api(server.url, '/api/appointment/companions', { token, body: victim });
    assert.match(assertApiError(refused, 409, 'too_many_invitations').message, /contact the municipality/);

    assert.equal(await invitesTo(server, victim.email), MAX_INVITATIONS);
    assert.equal(
      await count(server, sql`SELECT count(*) AS n FROM companions WHERE appointment_id = ${id} AND removed_at IS NULL`),
      0,
      'the refused one was not added',
    );
    assert.equal(await count(server, sql`SELECT companion_invitations AS n FROM appointments WHERE id = ${id}`), MAX_INVITATIONS);
    // The citizen can still manage the appointment itself.
    assert.equal((await api(server.url, '/api/appointment', { token })).status, 200);
  });

  it('when a citizen invites two companions, then both get their invitation', async () => {
    const { token } = await book(server, slots[1]!, { citizen: { name: 'Piet Peeters', email: 'piet@example.org' } });
    for (const email of ['a@example.org', 'b@example.org']) {
      assert.equal((await api(server.url, '/api/appointment/companions', { token, body: { name: 'Naaste', email, role: 'family' } })).status, 201);
      assert.equal(await invitesTo(server, email), 1);
    }
  });
});

describe('appointments to come per e-mail address (MAX_BOOKINGS_PER_EMAIL, default 3)', () => {
  let server: TestServer;
  let slots: Slot[];
  before(async () => {
    server = await startTestServer({ env, clock: testClock(NOW) });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  it('when one address books a fourth appointment, then 409 too_many_bookings; another address, a cancellation or time gone by makes room', async (t) => {
    const booked = [];
    for (const [i, email] of ['herhaal@example.org', 'Herhaal@Example.org', 'HERHAAL@example.org'].entries()) {
      booked.push(await book(server, slots[i]!, { citizen: { name: 'Herhaal', email } }));
    }
    const before = await appointments(server);
    const refused = await api(server.url, '/api/appointments', { body: bookingBody(slots[3]!, { citizen: { name: 'Herhaal', email: 'herhaal@example.org' } }) });
    assert.match(assertApiError(refused, 409, 'too_many_bookings').message, /already has 3 appointments to come/);
    assert.equal(await appointments(server), before, 'nothing stored');
    assert.equal((await videoSlots(server)).some((s) => s.start === slots[3]!.start), true, 'the slot is still free');

    await book(server, slots[3]!, { citizen: { name: 'Ander', email: 'ander@example.org' } });

    assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: booked[0]!.token })).status, 200);
    await book(server, slots[4]!, { citizen: { name: 'Herhaal', email: 'herhaal@example.org' } });

    // Full again (slots 1, 2 and 4); appointments that are over no longer count.
    const again = bookingBody(slots[5]!, { citizen: { name: 'Herhaal', email: 'herhaal@example.org' } });
    assertApiError(await api(server.url, '/api/appointments', { body: again }), 409, 'too_many_bookings');
    t.after(() => server.clock.set(NOW));
    server.clock.set(new Date(Date.parse(slots[2]!.end) + 60_000));
    const later = (await videoSlots(server))[0]!;
    await book(server, later, { citizen: { name: 'Herhaal', email: 'herhaal@example.org' } });
  });
});
