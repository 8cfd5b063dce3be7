import type { BookingMessages, Messages } from './messages.ts';
import { nlBooking } from './nl-booking.ts';

export type { BookingMessages, Messages };
export const supportedLangs = ['nl', 'fr', 'en', 'de'] as const;
export type Lang = (typeof supportedLangs)[number];
export const ZONE = 'Europe/Brussels';

// Dutch booking texts ship in the entry; the other Dutch texts and every other language are small
// lazy chunks loaded on demand.
const loaders: Record<Lang, () => Promise<Messages>> = {
  nl: async () => (await import('./nl.ts')).nl,
  fr: async () => (await import('./fr.ts')).fr,
  en: async () => (await import('./en.ts')).en,
  de: async () => (await import('./de.ts')).de,
};

export function resolveLang(requested: string | null | undefined): Lang {
  const base = (requested ?? '').toLowerCase().split('-')[0];
  return (supportedLangs as readonly string[]).includes(base!) ? (base as Lang) : 'nl';
}

/** Every text of a language: for the manage and meeting views. */
export const loadMessages = (lang: Lang): Promise<Messages> => loaders[lang]();
/** What the booking journey needs: in Dutch without a request. */
export const loadBookingMessages = (lang: Lang): Promise<BookingMessages> => (lang === 'nl' ? Promise.resolve(nlBooking) : loaders[lang]());
export const defaultMessages: BookingMessages = nlBooking;

/** Date and time in Europe/Brussels, whatever the citizen's device zone. */
export function formatDate(iso: string, t: Pick<Messages, 'locale'>, style: 'day' | 'time' | 'full' = 'full'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'day'
      ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: ZONE }
      : style === 'time'
        ? { hour: '2-digit', minute: '2-digit', timeZone: ZONE }
        : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: ZONE };
  return new Intl.DateTimeFormat(t.locale, options).format(new Date(iso));
}

/** How the citizen meets the municipality: by video, or at a named counter with its address. */
export function whereText(t: Pick<Messages, 'booking'>, location: { name: string; address: string } | null): string {
  return location ? t.booking.counter(`${location.name}, ${location.address}`) : t.booking.video;
}

/** The local calendar date (YYYY-MM-DD) of an instant, in Europe/Brussels. */
export function localDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}
