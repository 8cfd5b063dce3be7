import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { testDatabaseUrl, testSchema } from '../../../../test-support/server.ts';
import { catalogStore } from '../catalog/store.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { seedDemoData } from '../db/seed.ts';
import { offerCache } from './offer-cache.ts';
import { bookingStore } from './store.ts';

describe('offer cache', () => {
  let dir: string;
  let db: Db;
  let catalog: ReturnType<typeof catalogStore>;
  let offer: ReturnType<typeof offerCache>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balie-offer-'));
    db = openDatabase({ dataDir: dir, databaseUrl: testDatabaseUrl, schema: testDatabaseUrl && testSchema(dir) });
    await db.ready();
    await seedDemoData(db);
    catalog = catalogStore(db);
    const store = bookingStore(db);
    // Wired as the booking service wires it: on SQLite the version is asked again only after a change.
    offer = offerCache(catalog, store.catalogVersion, () => db.inTransaction, store.exactDataVersion);
  });
  after(async () => {
    if (db.dialect === 'postgres') await sql`DROP SCHEMA ${sql.id(testSchema(dir))} CASCADE`.execute(db.q);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rename = async (name: string) => {
    const service = (await catalog.getService('mantelzorgpremie'))!;
    await catalog.saveService({ ...service, texts: { ...service.texts, nl: { ...service.texts.nl!, name } } });
  };
  const name = async () => (await offer.getService('mantelzorgpremie'))!.texts.nl!.name;

  it('when a service is renamed, then the next read shows the new name', async () => {
    assert.equal(await name(), 'Mantelzorgpremie');
    await rename('Mantelzorgpremie aanvragen');
    assert.equal(await name(), 'Mantelzorgpremie aanvragen');
  });

  it('when opening hours change by plain SQL, then the next read shows them', async () => {
    const before = (await offer.listOpeningHours(1)).length;
    await sql`INSERT INTO opening_hours (staff_id, weekday, start_time, end_time, channel) VALUES ('an', 1, '18:00', '19:00', 'video')`.execute(db.q);
    assert.equal((await offer.listOpeningHours(1)).length, before + 1);
  });

  /**
   * Renames the service over a connection of its own, as another process would (the admin command on
   * the same SQLite file, another instance on the same PostgreSQL schema).
   */
  const renameElsewhere = async (newName: string) => {
    const rename = (texts: string) => {
      const parsed = JSON.parse(texts) as { nl: { name: string } };
      parsed.nl.name = newName;
      return JSON.stringify(parsed);
    };
    if (db.dialect === 'sqlite') {
      const other = new Database(join(dir, 'balie.sqlite'));
      try {
        const row = other.prepare<[], { texts: string }>(`SELECT texts FROM services WHERE id = 'mantelzorgpremie'`).get()!;
        other.prepare(`UPDATE services SET texts = ? WHERE id = 'mantelzorgpremie'`).run(rename(row.texts));
      } finally {
        other.close();
      }
      return;
    }
    const other = new pg.Client({ connectionString: testDatabaseUrl });
    await other.connect();
    try {
      await other.query(`SET search_path TO "${testSchema(dir)}"`);
      const { rows } = await other.query<{ texts: string }>(`SELECT texts FROM services WHERE id = 'mantelzorgpremie'`);
      await other.query(`UPDATE services SET texts = $1 WHERE id = 'mantelzorgpremie'`, [rename(rows[0]!.texts)]);
    } finally {
      await other.end();
    }
  };

  it('when another process changes the catalog, then the next read shows it', async () => {
    assert.equal(await name(), 'Mantelzorgpremie aanvragen');
    await renameElsewhere('Elders hernoemd');
    assert.equal(await name(), 'Elders hernoemd');
    await rename('Mantelzorgpremie aanvragen');
  });

  it('when a change read inside a transaction is rolled back, then a later change with the same version number is not hidden', async () => {
    await assert.rejects(
      db.transaction(async () => {
        await rename('Teruggedraaid');
        assert.equal(await name(), 'Teruggedraaid');
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal(await name(), 'Mantelzorgpremie aanvragen');
    await rename('Derde naam');
    assert.equal(await name(), 'Derde naam');
  });
});
