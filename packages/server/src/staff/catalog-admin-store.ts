import type { Closure, OpeningHours } from '../catalog/types.ts';
import type { Db } from '../db/database.ts';
import type { HoursBlock } from '@digitale-balie/contract';

/** Writes to the municipality's offer that only the staff console makes. */
export function catalogAdminStore(db: Db) {
  const hoursOf = (staffId: string) =>
    db.q
      .selectFrom('opening_hours')
      .select(['id', 'staff_id as staffId', 'weekday', 'start_time as startTime', 'end_time as endTime', 'channel', 'location_id as locationId'])
      .where('staff_id', '=', staffId)
      .orderBy('weekday')
      .orderBy('start_time')
      .$castTo<OpeningHours>()
      .execute();

  return {
    staffOfService: async (serviceId: string) =>
      (await db.q.selectFrom('staff_services').select('staff_id').where('service_id', '=', serviceId).orderBy('staff_id').execute()).map((r) => r.staff_id),
    setStaffOfService: (serviceId: string, staffIds: string[]): Promise<void> =>
      db.transaction(async () => {
        await db.q.deleteFrom('staff_services').where('service_id', '=', serviceId).execute();
        const unique = [...new Set(staffIds)];
        if (unique.length) {
          await db.q
            .insertInto('staff_services')
            .values(unique.map((staffId) => ({ staff_id: staffId, service_id: serviceId })))
            .execute();
        }
      }),
    hoursOf,
    replaceHours: (staffId: string, hours: HoursBlock[]): Promise<void> =>
      db.transaction(async () => {
        await db.q.deleteFrom('opening_hours').where('staff_id', '=', staffId).execute();
        if (hours.length) {
          await db.q
            .insertInto('opening_hours')
            .values(
              hours.map((block) => ({
                staff_id: staffId,
                weekday: block.weekday,
                start_time: block.startTime,
                end_time: block.endTime,
                channel: block.channel,
                location_id: block.locationId,
              })),
            )
            .execute();
        }
      }),
    async addClosure(c: Omit<Closure, 'id'>): Promise<Closure> {
      return db.q
        .insertInto('closures')
        .values({ staff_id: c.staffId, date_from: c.dateFrom, date_to: c.dateTo, reason: c.reason })
        .returning(['id', 'staff_id as staffId', 'date_from as dateFrom', 'date_to as dateTo', 'reason'])
        .executeTakeFirstOrThrow();
    },
    removeClosure: async (id: number) => Number((await db.q.deleteFrom('closures').where('id', '=', id).executeTakeFirst()).numDeletedRows) === 1,
  };
}

export type CatalogAdminStore = ReturnType<typeof catalogAdminStore>;
