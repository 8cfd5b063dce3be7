import { DateTime, IANAZone } from 'luxon';
import { hoursChannelOf, type Channel, type Closure, type OpeningHours, type Service } from '../catalog/types.ts';

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
  /** Only the slot starting at this instant (epoch ms), as when checking a booking; claims may then cover just its units. */
  at?: number | undefined;
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

/**
 * The local dates [from, to) (YYYY-MM-DD) a listing may cover: never before today, never past the
 * horizon. Plain date strings: luxon's zone arithmetic here was a third of checking a booking.
 */
export function listingRange(service: Service, now: Date, fromDate: string | undefined, days: number) {
  const today = localDateOf(now.getTime());
  const from = fromDate && fromDate > today ? fromDate : today;
  const horizonEnd = addDays(today, service.horizonDays + 1);
  const wanted = addDays(from, days);
  return { from, to: wanted < horizonEnd ? wanted : horizonEnd };
}

/** The same wall-clock time `days` later in Brussels, as luxon's `plus({ days })` computes it. */
export function plusLocalDays(ms: number, days: number): number {
  const naive = ms + days * 86_400_000;
  return naive + (offsetAt(ms) - offsetAt(naive)) * MINUTE;
}

const zone = IANAZone.create(ZONE);
const HOUR = 3_600_000;
const offsets = new Map<number, number>();
/** The zone's UTC offset in minutes at an instant. Brussels changes offset only on the hour. */
function offsetAt(ms: number): number {
  const hour = Math.floor(ms / HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    offset = zone.offset(ms);
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

/** The local date (YYYY-MM-DD) in Brussels of an instant. */
export function localDateOf(ms: number): string {
  return new Date(ms + offsetAt(ms) * MINUTE).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

/** Local midnight at the start of a date (YYYY-MM-DD), as epoch ms. */
export const localMidnight = (date: string) => localDay(date).at('00:00');

/** The ISO weekday (1 = Monday) of a local date. */
export const weekdayOf = (date: string) => localDay(date).weekday;

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
  const latest = plusLocalDays(q.now.getTime(), service.horizonDays);
  const stepMs = (service.durationMin + service.bufferBeforeMin + service.bufferAfterMin) * MINUTE;
  const durationMs = service.durationMin * MINUTE;
  const staff = new Set(q.staffIds);
  // Each block as the channels it offers: a video block also offers phone call-backs (hoursChannelOf).
  const wanted = service.channels.filter((c) => !q.channel || c === q.channel);
  const hours = q.hours.flatMap((h) =>
    staff.has(h.staffId) && (!q.locationId || h.locationId === q.locationId)
      ? wanted.filter((channel) => hoursChannelOf(channel) === h.channel).map((channel) => ({ ...h, channel }))
      : [],
  );
  // Claims as epoch milliseconds, so checking a candidate builds no strings.
  const claimed = new Map([...q.claimed].map(([staffId, units]) => [staffId, new Set([...units].map((u) => Date.parse(u)))]));
  const fromDate = from;
  const toDate = to;
  const closures = q.closures.filter((c) => c.dateFrom < toDate && c.dateTo >= fromDate);
  // One map per channel and location, keyed by start in ms: a candidate costs no string key.
  const byPlace = new Map<string, Map<number, Slot>>();
  const found: { t: number; slot: Slot }[] = [];

  for (let date = fromDate; date < toDate; date = nextDate(date)) {
    const day = localDay(date);
    for (const h of hours) {
      if (h.weekday !== day.weekday || closedOn(closures, h.staffId, date)) continue;
      const blockStart = day.at(h.startTime);
      const blockEnd = day.at(h.endTime);
      if (q.at !== undefined && (q.at < blockStart || q.at + durationMs > blockEnd)) continue;
      const claims = claimed.get(h.staffId);
      const place = `${h.channel}|${h.locationId ?? ''}`;
      let slots = byPlace.get(place);
      if (!slots) byPlace.set(place, (slots = new Map()));
      for (let t = blockStart; t + durationMs <= blockEnd; t += stepMs) {
        if (t < earliest || t > latest || (q.at !== undefined && t !== q.at)) continue;
        if (claims && claimsAny(claims, t, service)) continue;
        const slot = slots.get(t);
        if (slot) {
          slot.staffIds.push(h.staffId);
          continue;
        }
        const added = {
          start: new Date(t).toISOString(),
          end: new Date(t + durationMs).toISOString(),
          channel: h.channel,
          locationId: h.locationId,
          staffIds: [h.staffId],
        };
        slots.set(t, added);
        found.push({ t, slot: added });
      }
    }
  }
  // Plain comparisons: localeCompare goes through ICU collation and was a visible part of a listing.
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return found.sort((a, b) => a.t - b.t || byCode(a.slot.locationId ?? '', b.slot.locationId ?? '')).map((f) => f.slot);
}

/** True when a booking starting at `startMs` would overlap a claimed unit (epoch ms). */
function claimsAny(claims: Set<number>, startMs: number, service: Service): boolean {
  const first = startMs - service.bufferBeforeMin * MINUTE;
  const end = startMs + (service.durationMin + service.bufferAfterMin) * MINUTE;
  for (let t = first - (first % (UNIT_MIN * MINUTE)); t < end; t += UNIT_MIN * MINUTE) if (claims.has(t)) return true;
  return false;
}

const nextDate = (date: string) => addDays(date, 1);

interface LocalDay {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** "HH:MM" on this day in Brussels, as epoch ms. */
  at(hhmm: string): number;
}

/**
 * Luxon's zone arithmetic goes through Intl and costs tens of microseconds a call, which made it
 * most of a listing's time. Zone rules do not change while we run, so each date is worked out once:
 * a date whose UTC offset is the same at both ends (all but the two DST Sundays) maps a wall-clock
 * time with plain arithmetic; the DST days keep luxon's exact rules.
 */
const localDays = new Map<string, LocalDay>();
function localDay(date: string): LocalDay {
  let day = localDays.get(date);
  if (day) return day;
  const start = DateTime.fromISO(date, { zone: ZONE });
  const offsetMin = start.offset;
  const uniform = start.endOf('day').offset === offsetMin;
  const midnightUtc = Date.parse(date);
  day = {
    weekday: start.weekday,
    at(hhmm) {
      const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
      if (uniform) return midnightUtc + (hour * 60 + minute - offsetMin) * MINUTE;
      return start.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    },
  };
  // A bound, not an eviction policy: a listing touches at most a few months of dates.
  if (localDays.size >= 5000) localDays.clear();
  localDays.set(date, day);
  return day;
}
