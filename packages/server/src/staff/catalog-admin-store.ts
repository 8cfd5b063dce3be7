import type { Closure, OpeningHours } from '../catalog/types.ts';
import type { Db } from '../db/database.ts';
import type { HoursBlock } from '@digitale-balie/contract';

/** Writes to the municipality's offer that only the staff console makes. */
export function catalogAdminStore(db: Db) {
  const s = {
    staffOf: db.prepare<[string], { staffId: string }>('SELECT staff_id AS staffId FROM staff_services WHERE service_id = ? ORDER BY staff_id'),
    unoffer: db.prepare('DELETE FROM staff_services WHERE service_id = ?'),
    offer: db.prepare('INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)'),
    hoursOf: db.prepare<[string], OpeningHours>(
      `SELECT id, staff_id AS staffId, weekday, start_time AS startTime, end_time AS endTime, channel, location_id AS locationId
       FROM opening_hours WHERE staff_id = ? ORDER BY weekday, start_time`,
    ),
    dropHours: db.prepare('DELETE FROM opening_hours WHERE staff_id = ?'),
    addHours: db.prepare(
      `INSERT INTO opening_hours (staff_id, weekday, start_time, end_time, channel, location_id)
       VALUES (@staffId, @weekday, @startTime, @endTime, @channel, @locationId)`,
    ),
    addClosure: db.prepare<[string | null, string, string, string]>(
      'INSERT INTO closures (staff_id, date_from, date_to, reason) VALUES (?, ?, ?, ?)',
    ),
    closure: db.prepare<[number], Closure>(
      'SELECT id, staff_id AS staffId, date_from AS dateFrom, date_to AS dateTo, reason FROM closures WHERE id = ?',
    ),
    removeClosure: db.prepare('DELETE FROM closures WHERE id = ?'),
  };

  return {
    staffOfService: (serviceId: string) => s.staffOf.all(serviceId).map((r) => r.staffId),
    setStaffOfService: db.transaction((serviceId: string, staffIds: string[]) => {
      s.unoffer.run(serviceId);
      for (const staffId of new Set(staffIds)) s.offer.run(staffId, serviceId);
    }),
    hoursOf: (staffId: string) => s.hoursOf.all(staffId),
    replaceHours: db.transaction((staffId: string, hours: HoursBlock[]) => {
      s.dropHours.run(staffId);
      for (const block of hours) s.addHours.run({ ...block, staffId });
    }),
    addClosure(c: Omit<Closure, 'id'>): Closure {
      const id = Number(s.addClosure.run(c.staffId, c.dateFrom, c.dateTo, c.reason).lastInsertRowid);
      return s.closure.get(id)!;
    },
    removeClosure: (id: number) => s.removeClosure.run(id).changes === 1,
  };
}

export type CatalogAdminStore = ReturnType<typeof catalogAdminStore>;
