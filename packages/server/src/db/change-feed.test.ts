import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createEventBus } from '../events.ts';
import { changeFeed } from './change-feed.ts';
import { openDatabase } from './database.ts';

const url = process.env.TEST_DATABASE_URL || undefined;

/**
 * Two instances' handles on one schema, each with its change feed: what one emits, the other hears,
 * in order, once committed and never after a rollback, also when many go at once (they travel
 * together on one query, or on the COMMIT of their transaction).
 */
describe('change feed between instances (PostgreSQL)', { skip: !url && 'needs TEST_DATABASE_URL' }, () => {
  const schema = `f_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-feed-'));
  const open = () => {
    const db = openDatabase({ dataDir, databaseUrl: url, schema });
    const events = createEventBus();
    return { db, events, feed: changeFeed(db, events, () => {}, schema) };
  };
  const a = open();
  const b = open();
  const heard: string[] = [];
  b.events.on('appointment.booked', ({ appointmentId }) => heard.push(appointmentId));
  const booked = (appointmentId: string) => a.events.emit('appointment.booked', { appointmentId, staffId: 's', startAt: '2027-03-01T09:00:00.000Z' });
  const hearsUpTo = async (last: string) => {
    const deadline = Date.now() + 10_000;
    while (!heard.includes(last) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  before(async () => {
    await a.db.ready();
    await b.db.ready();
    await a.feed.start();
    await b.feed.start();
  });
  after(async () => {
    for (const side of [a, b]) {
      await side.feed.stop();
      await side.db.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hears 300 events sent at once outside a transaction, in order', async () => {
    heard.length = 0;
    const ids = Array.from({ length: 300 }, (_, i) => `out-${i}`);
    for (const id of ids) booked(id);
    await hearsUpTo(ids.at(-1)!);
    assert.deepEqual(heard, ids);
  });

  it('hears a transaction’s events after its commit, and never a rolled-back one’s', async () => {
    heard.length = 0;
    await assert.rejects(
      a.db.transaction(async () => {
        booked('rolled-back');
        throw new Error('undone');
      }),
      /undone/,
    );
    await a.db.transaction(async () => {
      await a.db.q.selectFrom('catalog_version').select('version').execute();
      booked('committed-1');
      booked("committed-'2'");
      // Not heard before the commit: the NOTIFY goes with it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(heard, []);
    });
    booked('after');
    await hearsUpTo('after');
    assert.deepEqual(heard, ['committed-1', "committed-'2'", 'after']);
  });
});
