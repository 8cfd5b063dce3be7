import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
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
    offer = offerCache(catalog, bookingStore(db).catalogVersion, () => db.inTransaction);
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
