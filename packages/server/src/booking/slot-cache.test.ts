import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { offeredStarts } from '../../../../test-support/booking.ts';
import { startTestServer, testClock, testDatabaseUrl, type TestServer } from '../../../../test-support/server.ts';

// Tuesday 30 March 2027: An and Chloé offer mantelzorgpremie by video 09:00–12:00 (07:00Z–10:00Z),
// with 120 minutes' notice. Each test lists once to fill the cache, changes something, lists again.
const NOW = '2027-03-29T12:00:00Z';
const VIDEO_QUERY = 'channel=video&from=2027-03-30&days=1';

describe('GET /api/services/:id/slots, served from the listing cache', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ clock: testClock(NOW) })));
  after(() => server.cleanup());

  // A second connection to the file is SQLite's; on PostgreSQL another instance's writes reach the
  // cache through the change feed (db/change-feed.ts) instead.
  describe('when another process closes the day in the same database file', { skip: testDatabaseUrl && 'SQLite only' }, () => {
    it('then the next listing offers nothing that day', async (t) => {
      assert.ok((await offeredStarts(server, VIDEO_QUERY)).length > 0);
      const other = new Database(join(server.dataDir, 'balie.sqlite'));
      const closure = other
        .prepare("INSERT INTO closures (staff_id, date_from, date_to, reason) VALUES (NULL, '2027-03-30', '2027-03-30', 'test')")
        .run().lastInsertRowid;
      t.after(() => {
        other.prepare('DELETE FROM closures WHERE id = ?').run(closure);
        other.close();
      });
      assert.deepEqual(await offeredStarts(server, VIDEO_QUERY), []);
    });
  });

  describe('when opening hours change through SQL that emits no event', () => {
    it('then the next listing follows them', async (t) => {
      const before = await offeredStarts(server, VIDEO_QUERY);
      assert.ok(before.includes('2027-03-30T07:00:00.000Z'));
      const hours = (from: string, to: string) =>
        server.app.db.q
          .updateTable('opening_hours')
          .set({ start_time: to })
          .where('weekday', '=', 2)
          .where('channel', '=', 'video')
          .where('start_time', '=', from)
          .execute();
      await hours('09:00', '10:00');
      t.after(() => hours('10:00', '09:00'));
      const after = await offeredStarts(server, VIDEO_QUERY);
      assert.ok(!after.includes('2027-03-30T07:00:00.000Z'));
      assert.ok(after.includes('2027-03-30T08:00:00.000Z'));
    });
  });

  describe('when a listed slot slips inside the minimum notice within the same minute', () => {
    it('then it is no longer offered', async (t) => {
      t.after(() => server.clock.set(NOW));
      server.clock.set('2027-03-30T05:00:00.000Z');
      assert.equal((await offeredStarts(server, VIDEO_QUERY))[0], '2027-03-30T07:00:00.000Z');
      server.clock.advance(1);
      assert.equal((await offeredStarts(server, VIDEO_QUERY))[0], '2027-03-30T07:40:00.000Z');
    });
  });

  describe('when the clock goes back', () => {
    it('then slots that were too close are offered again', async (t) => {
      t.after(() => server.clock.set(NOW));
      server.clock.set('2027-03-30T06:00:00Z');
      assert.ok(!(await offeredStarts(server, VIDEO_QUERY)).includes('2027-03-30T07:00:00.000Z'));
      server.clock.set('2027-03-30T04:00:00Z');
      assert.ok((await offeredStarts(server, VIDEO_QUERY)).includes('2027-03-30T07:00:00.000Z'));
    });
  });
});
