import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Services } from '../db/tables.ts';
import type { Closure, Location, OpeningHours, Service, StaffMember } from './types.ts';

type ServiceRow = Selectable<Services>;

const toService = (r: ServiceRow): Service => ({
  id: r.id!,
  texts: JSON.parse(r.texts),
  durationMin: r.duration_min,
  bufferBeforeMin: r.buffer_before_min,
  bufferAfterMin: r.buffer_after_min,
  noticeMin: r.notice_min,
  horizonDays: r.horizon_days,
  channels: JSON.parse(r.channels),
  intake: JSON.parse(r.intake),
  requiredDocuments: JSON.parse(r.required_documents),
  active: r.active === 1,
});

const hoursColumns = [
  'id',
  'staff_id as staffId',
  'weekday',
  'start_time as startTime',
  'end_time as endTime',
  'channel',
  'location_id as locationId',
] as const;

/** Services, staff, locations, opening hours and closures: the municipality's offer. */
export function catalogStore(db: Db) {
  const hours = () => db.q.selectFrom('opening_hours').select(hoursColumns).$castTo<OpeningHours>();

  return {
    listServices: async (): Promise<Service[]> => (await db.q.selectFrom('services').selectAll().orderBy('id').execute()).map(toService),
    getService: async (id: string): Promise<Service | undefined> => {
      const row = await db.q.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toService(row) : undefined;
    },
    async saveService(service: Service) {
      const row = {
        texts: JSON.stringify(service.texts),
        duration_min: service.durationMin,
        buffer_before_min: service.bufferBeforeMin,
        buffer_after_min: service.bufferAfterMin,
        notice_min: service.noticeMin,
        horizon_days: service.horizonDays,
        channels: JSON.stringify(service.channels),
        intake: JSON.stringify(service.intake),
        required_documents: JSON.stringify(service.requiredDocuments),
        active: service.active ? 1 : 0,
      };
      await db.q
        .insertInto('services')
        .values({ id: service.id, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    },
    listLocations: (): Promise<Location[]> =>
      db.q.selectFrom('locations').select(['id', 'name', 'address']).orderBy('name').$castTo<Location>().execute(),
    staffIdsForService: async (serviceId: string): Promise<string[]> => {
      const rows = await db.q
        .selectFrom('staff as s')
        .innerJoin('staff_services as ss', 'ss.staff_id', 's.id')
        .select('s.id as staffId')
        .where('ss.service_id', '=', serviceId)
        .where('s.active', '=', 1)
        .orderBy('s.id')
        .execute();
      return rows.map((r) => r.staffId!);
    },
    listStaff: async (): Promise<StaffMember[]> => {
      const rows = await db.q.selectFrom('staff').select(['id', 'name', 'email', 'role', 'active']).orderBy('name').execute();
      return rows.map((s) => ({ ...s, id: s.id!, role: s.role as StaffMember['role'], active: Boolean(s.active) }));
    },
    /** Every block, or those of one ISO weekday (1 = Monday). */
    listOpeningHours: (weekday?: number): Promise<OpeningHours[]> =>
      weekday === undefined
        ? hours().orderBy('staff_id').orderBy('weekday').orderBy('start_time').execute()
        : hours().where('weekday', '=', weekday).orderBy('staff_id').orderBy('start_time').execute(),
    listClosures: (): Promise<Closure[]> =>
      db.q
        .selectFrom('closures')
        .select(['id', 'staff_id as staffId', 'date_from as dateFrom', 'date_to as dateTo', 'reason'])
        .orderBy('date_from')
        .$castTo<Closure>()
        .execute(),
  };
}

export type CatalogStore = ReturnType<typeof catalogStore>;
