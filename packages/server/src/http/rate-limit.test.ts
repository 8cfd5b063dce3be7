// Issue 10, item 4: one client emptied a whole day of slots and flooded the link routes. The
// limits per client address and per personal link, done as the attacker would, and refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { assertApiError } from '../../../../test-support/api-error.ts';
import { book, type TestSlot } from '../../../../test-support/booking.ts';
import { productionLimits } from '../../../../test-support/limits.ts';
import { api, bookingBody, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { tusClient } from '../../../../test-support/tus.ts';
import { pdfBytes } from '../../../../test-support/uploads.ts';
import { loadConfig } from '../config.ts';
import { addressKey } from './rate-limit.ts';

// Thursday 25 March 2027, 10:00 in Brussels.
const NOW = '2027-03-25T09:00:00Z';
const WINDOW_S = 3600;
const count = async (server: TestServer, query: RawBuilder<{ n: number }>) => Number((await query.execute(server.app.db.q)).rows[0]!.n);
const appointments = (server: TestServer) => count(server, sql`SELECT count(*) AS n FROM appointments`);
const videoSlots = async (server: TestServer, query = 'days=14'): Promise<TestSlot[]> =>
  (await api(server.url, `/api/services/mantelzorgpremie/slots?channel=video&${query}`)).body.slots;
/** A booking body with its own e-mail address, so the per-address cap is not what stops it. */
const bodyFor = (slot: TestSlot, i: number) => bookingBody(slot, { citizen: { name: `Burger ${i}`, email: `burger${i}@example.org` } });
const from = (address: string) => ({ 'x-forwarded-for': address });

/** Asserts a 429 with our error and a Retry-After within the window; returns the seconds. */
function assertThrottled(response: { status: number; body: any; headers: Headers }) {
  assertApiError(response, 429, 'rate_limited');
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_S, `Retry-After: ${response.headers.get('retry-after')}`);
  return retryAfter;
}

describe('the configured limits', () => {
  it('when nothing is set, then the defaults are the documented ones; 0 lifts a limit; a bad value is refused', () => {
    const config = loadConfig({});
    assert.deepEqual(config.rateLimits, {
      windowSeconds: WINDOW_S,
      bookingsPerAddress: 10,
      changesPerAddress: 60,
      changesPerLink: 15,
      uploadsPerAddress: 200,
      uploadsPerLink: 60,
    });
    assert.equal(config.maxActiveBookingsPerEmail, 3);
    assert.equal(loadConfig({ RATE_LIMIT_BOOKINGS_PER_ADDRESS: '0' }).rateLimits.bookingsPerAddress, 0);
    assert.throws(() => loadConfig({ RATE_LIMIT_CHANGES_PER_LINK: 'many' }), /RATE_LIMIT_CHANGES_PER_LINK/);
    assert.throws(() => loadConfig({ MAX_BOOKINGS_PER_EMAIL: '-1' }), /MAX_BOOKINGS_PER_EMAIL/);
  });
});

describe('client addresses', () => {
  it('when IPv6, then one /64 is one client; IPv4-mapped addresses are their IPv4 address', () => {
    assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:eeee:dddd:9'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:203.0.113.5'), '203.0.113.5');
    assert.notEqual(addressKey('203.0.113.5'), addressKey('203.0.113.6'));
  });
});

describe('POST /api/appointments per client address (behind a proxy, TRUST_PROXY=true)', () => {
  let server: TestServer;
  let slots: TestSlot[];
  before(async () => {
    server = await startTestServer({ env: { ...productionLimits, TRUST_PROXY: 'true', RATE_LIMIT_BOOKINGS_PER_ADDRESS: '4' }, clock: testClock(NOW) });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  it('when one address floods bookings, then 429 with Retry-After and nothing stored; another address still books', async () => {
    for (let i = 0; i < 4; i++) {
      const response = await api(server.url, '/api/appointments', { body: bodyFor(slots[i]!, i), headers: from('203.0.113.7') });
      assert.equal(response.status, 201, JSON.stringify(response.body));
    }
    const before = await appointments(server);
    for (let i = 4; i < 10; i++) {
      assertThrottled(await api(server.url, '/api/appointments', { body: bodyFor(slots[i]!, i), headers: from('203.0.113.7') }));
    }
    // The same route spelled as the router still matches it is the same budget.
    for (const path of ['/api/appointments/', '/API/Appointments']) {
      const response = await api(server.url, path, { body: bodyFor(slots[10]!, 10), headers: from('203.0.113.7') });
      assert.notEqual(response.status, 201, path);
    }
    assert.equal(await appointments(server), before, 'no refused booking was stored');

    const other = await api(server.url, '/api/appointments', { body: bodyFor(slots[4]!, 99), headers: from('203.0.113.8') });
    assert.equal(other.status, 201, JSON.stringify(other.body));
  });

  it('when the window has passed, then the address books again', async (t) => {
    const limited = await api(server.url, '/api/appointments', { body: bodyFor(slots[11]!, 11), headers: from('198.51.100.1') });
    assert.equal(limited.status, 201);
    for (let i = 0; i < 3; i++) await api(server.url, '/api/appointments', { body: { consent: false }, headers: from('198.51.100.1') });
    const wait = assertThrottled(await api(server.url, '/api/appointments', { body: bodyFor(slots[12]!, 12), headers: from('198.51.100.1') }));
    // The limiter keeps real time (not the app's test clock): a short window shows the reset.
    t.diagnostic(`Retry-After ${wait} s`);
    assert.ok(wait > 60, 'the budget is per hour by default');
  });

  it('when one client tries to empty a day with made-up e-mail addresses, then it gets its address budget and the day stays bookable', async () => {
    // The day with the most free slots (the other tests took some of the first days').
    const days = (await videoSlots(server)).map((slot) => slot.start.slice(0, 10));
    const day = days.reduce((best, d) => (days.filter((x) => x === d).length > days.filter((x) => x === best).length ? d : best));
    const dayListing = () => videoSlots(server, `from=${day}&days=1`);
    const statuses: number[] = [];
    // Each time is offered while any staff member is free for it: book the first offered one until none is left.
    for (let i = 0; i < 40; i++) {
      const [slot] = await dayListing();
      if (!slot) break;
      statuses.push((await api(server.url, '/api/appointments', { body: bodyFor(slot, 1000 + i), headers: from('192.0.2.66') })).status);
    }
    assert.deepEqual(statuses.filter((s) => s !== 429), [201, 201, 201, 201]);
    assert.equal(statuses.length, 40, 'the attacker never ran out of slots to try');
    assert.ok((await dayListing()).length > 0, 'the day is still bookable');
    assert.equal(await count(server, sql`SELECT count(*) AS n FROM appointments WHERE citizen_email LIKE 'burger10__@%'`), 4, 'only the 201s were stored');
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  it('when a client rotates the header, then it is ignored: its socket address is limited', async (t) => {
    const server = await startTestServer({ env: { ...productionLimits, RATE_LIMIT_BOOKINGS_PER_ADDRESS: '2' }, clock: testClock(NOW) });
    t.after(() => server.cleanup());
    const slots = await videoSlots(server);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await api(server.url, '/api/appointments', { body: bodyFor(slots[i]!, i), headers: from(`203.0.113.${i + 1}`) })).status);
    }
    assert.deepEqual(statuses, [201, 201, 429, 429]);
  });
});

describe('companion changes per personal link', () => {
  let server: TestServer;
  let slots: TestSlot[];
  before(async () => {
    server = await startTestServer({
      env: { ...productionLimits, TRUST_PROXY: 'true', RATE_LIMIT_CHANGES_PER_LINK: '3', MAX_BOOKINGS_PER_EMAIL: '0' },
      clock: testClock(NOW),
    });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  it('when one link floods add and remove from ever new addresses, then 429 with Retry-After; another link and cancelling still work', async () => {
    const { token, id } = await book(server, slots[0]!);
    const companion = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };
    const added = await api(server.url, '/api/appointment/companions', { token, body: companion, headers: from('203.0.113.1') });
    assert.equal(added.status, 201);
    assert.equal((await api(server.url, `/api/appointment/companions/${added.body.id}`, { method: 'DELETE', token, headers: from('203.0.113.2') })).status, 204);
    const reschedule = await api(server.url, '/api/appointment/reschedule', {
      token,
      body: { start: slots[1]!.start, channel: 'video', locationId: null },
      headers: from('203.0.113.3'),
    });
    assert.equal(reschedule.status, 200, JSON.stringify(reschedule.body));

    assertThrottled(await api(server.url, '/api/appointment/companions', { token, body: companion, headers: from('203.0.113.4') }));
    assertThrottled(await api(server.url, '/api/appointment/reschedule', { token, body: { start: slots[2]!.start, channel: 'video', locationId: null }, headers: from('203.0.113.5') }));
    assert.equal(await count(server, sql`SELECT count(*) AS n FROM companions WHERE appointment_id = ${id} AND removed_at IS NULL`), 0);
    assert.equal(await count(server, sql`SELECT count(*) AS n FROM appointments WHERE id = ${id} AND start_at = ${slots[1]!.start}`), 1, 'not moved again');

    const other = await book(server, slots[3]!, { citizen: { name: 'Piet', email: 'piet@example.org' } });
    assert.equal((await api(server.url, '/api/appointment/companions', { token: other.token, body: companion, headers: from('203.0.113.4') })).status, 201);
    // Cancelling is never limited: a citizen must always be able to free the slot.
    assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token, headers: from('203.0.113.4') })).status, 200);
  });
});

describe('new uploads (POST /files) per personal link and per address', () => {
  let server: TestServer;
  let slots: TestSlot[];
  before(async () => {
    server = await startTestServer({
      env: { ...productionLimits, TRUST_PROXY: 'true', RATE_LIMIT_UPLOADS_PER_LINK: '2', RATE_LIMIT_UPLOADS_PER_ADDRESS: '5', MAX_BOOKINGS_PER_EMAIL: '0' },
      clock: testClock(NOW),
    });
    slots = await videoSlots(server);
  });
  after(() => server.cleanup());

  const documents = (server: TestServer, id: string) => count(server, sql`SELECT count(*) AS n FROM documents WHERE appointment_id = ${id}`);
  const create = (token: string, address: string) =>
    fetch(`${server.url}/files`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, 'upload-length': '1000', 'upload-metadata': `filename ${btoa('a.pdf')}`, ...from(address) },
    });

  it('when one link creates upload after upload, then 429 with Retry-After before tus sees it; the bytes of an earlier upload still arrive', async () => {
    const { token, id } = await book(server, slots[0]!);
    const tus = tusClient(server.url, { token });
    const bytes = pdfBytes(1000);
    const first = await tus.create(bytes.length, { filename: 'a.pdf' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await create(token, '203.0.113.20')).status, 201);
    const refused = await create(token, '203.0.113.21');
    const body = await refused.json();
    assertThrottled({ status: refused.status, body, headers: refused.headers });
    assert.equal(await documents(server, id), 2, 'the refused upload has no row');

    // PATCHes carry the bytes of an upload already granted: never counted.
    const patched = await tus.patch(first.url, 0, bytes);
    assert.equal(patched.status, 204, JSON.stringify(patched.body));
  });

  it('when one address uses many links, then its own budget stops it; another address still uploads', async () => {
    const links = [];
    for (let i = 1; i <= 3; i++) links.push(await book(server, slots[i]!, { citizen: { name: `Burger ${i}`, email: `u${i}@example.org` } }));
    const statuses = [];
    for (const link of links) for (let i = 0; i < 2; i++) statuses.push((await create(link.token, '192.0.2.99')).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
    assert.equal((await create(links[2]!.token, '192.0.2.100')).status, 201);
  });
});
