import type { Db } from '../db/database.ts';
import type { Closure, Location, OpeningHours, Service, StaffMember } from './types.ts';

interface ServiceRow {
  id: string;
  texts: string;
  duration_min: number;
  buffer_before_min: number;
  buffer_after_min: number;
  notice_min: number;
  horizon_days: number;
  channels: string;
  intake: string;
  required_documents: string;
  active: number;
}

const toService = (r: ServiceRow): Service => ({
  id: r.id,
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

/** Services, staff, locations, opening hours and closures: the municipality's offer. */
export function catalogStore(db: Db) {
  const stmts = {
    services: db.prepare<[], ServiceRow>('SELECT * FROM services ORDER BY id'),
    service: db.prepare<[string], ServiceRow>('SELECT * FROM services WHERE id = ?'),
    upsertService: db.prepare(
      `INSERT INTO services (id, texts, duration_min, buffer_before_min, buffer_after_min, notice_min, horizon_days, channels, intake, required_documents, active)
       VALUES (@id, @texts, @durationMin, @bufferBeforeMin, @bufferAfterMin, @noticeMin, @horizonDays, @channels, @intake, @requiredDocuments, @active)
       ON CONFLICT (id) DO UPDATE SET texts = excluded.texts, duration_min = excluded.duration_min,
         buffer_before_min = excluded.buffer_before_min, buffer_after_min = excluded.buffer_after_min,
         notice_min = excluded.notice_min, horizon_days = excluded.horizon_days, channels = excluded.channels,
         intake = excluded.intake, required_documents = excluded.required_documents, active = excluded.active`,
    ),
    locations: db.prepare<[], Location>('SELECT id, name, address FROM locations ORDER BY name'),
    staffForService: db.prepare<[string], { staffId: string }>(
      `SELECT s.id AS staffId FROM staff s JOIN staff_services ss ON ss.staff_id = s.id
       WHERE ss.service_id = ? AND s.active = 1 ORDER BY s.id`,
    ),
    staff: db.prepare<[], Omit<StaffMember, 'active'> & { active: number }>(
      'SELECT id, name, email, role, active FROM staff ORDER BY name',
    ),
    hours: db.prepare<[], OpeningHours>(
      `SELECT id, staff_id AS staffId, weekday, start_time AS startTime, end_time AS endTime, channel, location_id AS locationId
       FROM opening_hours ORDER BY staff_id, weekday, start_time`,
    ),
    hoursOn: db.prepare<[number], OpeningHours>(
      `SELECT id, staff_id AS staffId, weekday, start_time AS startTime, end_time AS endTime, channel, location_id AS locationId
       FROM opening_hours WHERE weekday = ? ORDER BY staff_id, start_time`,
    ),
    closures: db.prepare<[], Closure>(
      'SELECT id, staff_id AS staffId, date_from AS dateFrom, date_to AS dateTo, reason FROM closures ORDER BY date_from',
    ),
  };

  return {
    listServices: (): Service[] => stmts.services.all().map(toService),
    getService: (id: string): Service | undefined => {
      const row = stmts.service.get(id);
      return row ? toService(row) : undefined;
    },
    saveService(service: Service) {
      stmts.upsertService.run({
        ...service,
        texts: JSON.stringify(service.texts),
        channels: JSON.stringify(service.channels),
        intake: JSON.stringify(service.intake),
        requiredDocuments: JSON.stringify(service.requiredDocuments),
        active: service.active ? 1 : 0,
      });
    },
    listLocations: (): Location[] => stmts.locations.all(),
    staffIdsForService: (serviceId: string): string[] => stmts.staffForService.all(serviceId).map((r) => r.staffId),
    listStaff: (): StaffMember[] => stmts.staff.all().map((s) => ({ ...s, active: Boolean(s.active) })),
    /** Every block, or those of one ISO weekday (1 = Monday). */
    listOpeningHours: (weekday?: number): OpeningHours[] => (weekday === undefined ? stmts.hours.all() : stmts.hoursOn.all(weekday)),
    listClosures: (): Closure[] => stmts.closures.all(),
  };
}

export type CatalogStore = ReturnType<typeof catalogStore>;
