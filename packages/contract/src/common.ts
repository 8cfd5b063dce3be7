/**
 * What every area of the contract speaks of. No zod here: these are plain values and types, so the
 * widget's declarations (dist/widget/types) can carry them without any library behind them.
 */

/** The languages of the widget, the mails and the texts of a service; `nl` is the source. */
export const langs = ['nl', 'fr', 'en', 'de'] as const;
export type Lang = (typeof langs)[number];

/** How an appointment takes place: a video call, a visit at a counter, or staff phone the citizen. */
export const channels = ['video', 'counter', 'phone'] as const;
export type Channel = (typeof channels)[number];

/** The channels opening hours are kept for; a phone call-back is offered in the video hours. */
export const hoursChannels = ['video', 'counter'] as const;
export type HoursChannel = (typeof hoursChannels)[number];

export const companionRoles = ['carer', 'family', 'interpreter'] as const;
export type CompanionRole = (typeof companionRoles)[number];

/** Texts in every language; `nl` is the source and always present. */
export type Localized<T> = { nl: T } & Partial<Record<Exclude<Lang, 'nl'>, T>>;

export type AppointmentStatus = 'booked' | 'cancelled' | 'held' | 'no_show';

/** Who is behind a link or a seat in a call. */
export type ParticipantRole = 'staff' | 'citizen' | 'companion';
