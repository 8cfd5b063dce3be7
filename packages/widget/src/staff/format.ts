import type { Channel } from '../api/types.ts';
import { localDate, ZONE } from '../i18n/index.ts';
import type { StaffMessages } from './i18n/index.ts';

/** Dates and times as staff read them: always in Europe/Brussels, whatever the device's zone. */

const formats = {
  time: { hour: '2-digit', minute: '2-digit' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
  short: { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export function formatWhen(iso: string, locale: string, style: keyof typeof formats = 'full'): string {
  return new Intl.DateTimeFormat(locale, { ...formats[style], timeZone: ZONE }).format(new Date(iso));
}

/** A local calendar date (YYYY-MM-DD) as a readable day, e.g. "maandag 30 november (2026)". */
export const formatDay = (date: string, locale: string, withYear = false) =>
  new Intl.DateTimeFormat(locale, { ...formats.day, ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );

export const formatNumber = (value: number, locale: string) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);

export function formatSize(bytes: number, locale: string): string {
  const [value, unit] = bytes >= 1_048_576 ? [bytes / 1_048_576, 'megabyte'] : [Math.max(1, Math.round(bytes / 1024)), 'kilobyte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

/** How an appointment takes place, as the agenda says it: video, at a counter (where), or by phone. */
export function channelLabel(a: StaffMessages['agenda'], channel: Channel, location?: string | null): string {
  if (channel === 'video') return a.video;
  if (channel === 'phone') return a.phone;
  return location ? a.counter(location) : a.counterOnly;
}

/** Today's date in Brussels. */
export const today = () => localDate(new Date().toISOString());

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export { localDate };
