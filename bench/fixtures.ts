import { DateTime } from 'luxon';
import { catalogStore } from '../packages/server/src/catalog/store.ts';
import type { Service } from '../packages/server/src/catalog/types.ts';
import type { Db } from '../packages/server/src/db/database.ts';
import { ZONE } from '../packages/server/src/booking/slots.ts';

/**
 * A clock that runs at real speed from Monday 1 March 2027, 07:00 in Brussels: a normal working
 * fortnight (no holidays) whatever day the bench runs, yet time still passes as it would in production.
 */
export function benchClock(): () => Date {
  const start = DateTime.fromISO('2027-03-01T07:00', { zone: ZONE }).toMillis();
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset);
}

/**
 * Adds a service and `staff` members who all offer it on weekdays: video in the morning, a counter
 * in the afternoon (alternating between the two demo locations), start times staggered by 10 minutes
 * so the listing has many distinct slots, as with a real team.
 */
export async function addTeamService(db: Db, opts: { serviceId: string; staff: number; service?: Partial<Service> }) {
  await catalogStore(db).saveService({
    id: opts.serviceId,
    texts: { nl: { name: 'Bench', description: 'Een dienst voor de benchmark.' } },
    durationMin: 20,
    bufferBeforeMin: 0,
    bufferAfterMin: 10,
    noticeMin: 60,
    horizonDays: 28,
    channels: ['video', 'counter'],
    intake: [],
    requiredDocuments: [],
    active: true,
    ...opts.service,
  });
  const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  await db.transaction(async () => {
    for (let i = 0; i < opts.staff; i++) {
      const id = `${opts.serviceId}-${String(i + 1).padStart(3, '0')}`;
      await db.q.insertInto('staff').values({ id, name: `Medewerker ${i + 1}`, email: `${id}@bench.invalid`, role: 'medewerker' }).execute();
      await db.q.insertInto('staff_services').values({ staff_id: id, service_id: opts.serviceId }).execute();
      const stagger = (i % 3) * 10;
      const hours = [1, 2, 3, 4, 5].flatMap((weekday) => [
        { staff_id: id, weekday, start_time: hhmm(9 * 60 + stagger), end_time: hhmm(12 * 60 + stagger), channel: 'video', location_id: null },
        {
          staff_id: id,
          weekday,
          start_time: hhmm(13 * 60 + stagger),
          end_time: hhmm(16 * 60 + stagger),
          channel: 'counter',
          location_id: i % 2 ? 'sociaal-huis' : 'gemeentehuis',
        },
      ]);
      await db.q.insertInto('opening_hours').values(hours).execute();
    }
  });
}

export const citizen = (i: number) => ({
  lang: 'nl' as const,
  citizen: { name: `Burger ${i}`, email: `burger${i}@example.org` },
  intake: {},
  consent: true as const,
});
