import { DateTime } from 'luxon';
import type { Channel, Closure, OpeningHours, Service } from '../catalog/types.ts';

export const ZONE = 'Europe/Brussels';
/** Bookings claim time in units of this many minutes; durations and buffers are multiples of it. */
export const UNIT_MIN = 5;
const MINUTE = 60_000;

export interface Slot {
  start: string;
  end: string;
  channel: Channel;
  locationId: string | null;
  /** Staff members free for this slot, in the order they are tried when booking. */
  staffIds: string[];
}

export interface SlotQuery {
  service: Service;
  channel?: Channel | undefined;
  locationId?: string | undefined;
  staffIds: string[];
  hours: OpeningHours[];
  closures: Closure[];
  /** Units already claimed, per staff member. */
  claimed: Map<string, Set<string>>;
  now: Date;
  /** First local date (YYYY-MM-DD) to list; defaults to today. */
  fromDate?: string | undefined;
  days: number;
}

/** The 5-minute units a booking starting at `startMs` occupies, buffers included. */
export function unitsFor(startMs: number, service: Service): string[] {
  const first = startMs - service.bufferBeforeMin * MINUTE;
  const end = startMs + (service.durationMin + service.bufferAfterMin) * MINUTE;
  const units: string[] = [];
  for (let t = first - (first % (UNIT_MIN * MINUTE)); t < end; t += UNIT_MIN * MINUTE) {
    units.push(new Date(t).toISOString());
  }
  return units;
}

/** The local dates [from, to) a listing may cover: never before today, never past the horizon. */
export function listingRange(service: Service, now: Date, fromDate: string | undefined, days: number) {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const requested = fromDate ? DateTime.fromISO(fromDate, { zone: ZONE }).startOf('day') : today;
  const from = requested < today ? today : requested;
  const horizonEnd = today.plus({ days: service.horizonDays + 1 });
  const wanted = from.plus({ days });
  return { from, to: wanted < horizonEnd ? wanted : horizonEnd };
}

const closedOn = (closures: Closure[], staffId: string, date: string) =>
  closures.some((c) => (c.staffId === null || c.staffId === staffId) && c.dateFrom <= date && date <= c.dateTo);

/**
 * Free slots in Europe/Brussels. Opening hours are local wall-clock times, so each day's blocks are
 * placed with the zone's offset of that day: a 09:00 block is 08:00Z in winter and 07:00Z in summer.
 */
export function computeSlots(q: SlotQuery): Slot[] {
  const { service } = q;
  const { from, to } = listingRange(service, q.now, q.fromDate, q.days);
  const earliest = q.now.getTime() + service.noticeMin * MINUTE;
  const latest = DateTime.fromJSDate(q.now, { zone: ZONE }).plus({ days: service.horizonDays }).toMillis();
  const stepMs = (service.durationMin + service.bufferBeforeMin + service.bufferAfterMin) * MINUTE;
  const durationMs = service.durationMin * MINUTE;
  const staff = new Set(q.staffIds);
  const hours = q.hours.filter(
    (h) =>
      staff.has(h.staffId) &&
      service.channels.includes(h.channel) &&
      (!q.channel || h.channel === q.channel) &&
      (!q.locationId || h.locationId === q.locationId),
  );
  const slots = new Map<string, Slot>();

  for (let day = from; day < to; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    for (const h of hours) {
      if (h.weekday !== day.weekday || closedOn(q.closures, h.staffId, date)) continue;
      const blockStart = atLocalTime(day, h.startTime);
      const blockEnd = atLocalTime(day, h.endTime);
      const claimed = q.claimed.get(h.staffId);
      for (let t = blockStart; t + durationMs <= blockEnd; t += stepMs) {
        if (t < earliest || t > latest) continue;
        if (claimed && unitsFor(t, service).some((u) => claimed.has(u))) continue;
        const key = `${t}|${h.channel}|${h.locationId ?? ''}`;
        const slot = slots.get(key);
        if (slot) slot.staffIds.push(h.staffId);
        else
          slots.set(key, {
            start: new Date(t).toISOString(),
            end: new Date(t + durationMs).toISOString(),
            channel: h.channel,
            locationId: h.locationId,
            staffIds: [h.staffId],
          });
      }
    }
  }
  return [...slots.values()].sort((a, b) => a.start.localeCompare(b.start) || (a.locationId ?? '').localeCompare(b.locationId ?? ''));
}

function atLocalTime(day: DateTime, hhmm: string): number {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}
