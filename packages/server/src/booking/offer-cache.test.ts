import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'balie-offer-'));
    db = openDatabase(dir);
    seedDemoData(db);
    catalog = catalogStore(db);
    offer = offerCache(catalog, bookingStore(db).catalogVersion, () => db.inTransaction);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rename = (name: string) => {
    const service = catalog.getService('mantelzorgpremie')!;
    catalog.saveService({ ...service, texts: { ...service.texts, nl: { ...service.texts.nl!, name } } });
  };
  const name = () => offer.getService('mantelzorgpremie')!.texts.nl!.name;

  it('when a service is renamed, then the next read shows the new name', () => {
    assert.equal(name(), 'Mantelzorgpremie');
    rename('Mantelzorgpremie aanvragen');
    assert.equal(name(), 'Mantelzorgpremie aanvragen');
  });

  it('when opening hours change by plain SQL, then the next read shows them', () => {
    const before = offer.listOpeningHours(1).length;
    db.prepare("INSERT INTO opening_hours (staff_id, weekday, start_time, end_time, channel) VALUES ('an', 1, '18:00', '19:00', 'video')").run();
    assert.equal(offer.listOpeningHours(1).length, before + 1);
  });

  it('when a change read inside a transaction is rolled back, then a later change with the same version number is not hidden', () => {
    assert.throws(() =>
      db.transaction(() => {
        rename('Teruggedraaid');
        assert.equal(name(), 'Teruggedraaid');
        throw new Error('refused');
      })(),
    );
    assert.equal(name(), 'Mantelzorgpremie aanvragen');
    rename('Derde naam');
    assert.equal(name(), 'Derde naam');
  });
});
