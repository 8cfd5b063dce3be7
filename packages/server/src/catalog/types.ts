export const langs = ['nl', 'fr', 'en', 'de'] as const;
export type Lang = (typeof langs)[number];
/** How an appointment takes place: a video call, a visit at a counter, or staff phone the citizen. */
export const channels = ['video', 'counter', 'phone'] as const;
export type Channel = (typeof channels)[number];
/** The channels opening hours are kept for; a phone call-back has none of its own (see hoursChannelOf). */
export const hoursChannels = ['video', 'counter'] as const;
export type HoursChannel = (typeof hoursChannels)[number];

/**
 * The opening hours a channel is offered in. A phone call-back uses the staff member's video hours:
 * both are remote work at their own desk with the same attention and length, so a municipality does
 * not keep (and forget to update) a second copy of each timetable, and a video appointment can turn
 * into a call-back at the same time with the same person (the fallback after a failed device test).
 */
export const hoursChannelOf = (channel: Channel): HoursChannel => (channel === 'phone' ? 'video' : channel);
export const companionRoles = ['carer', 'family', 'interpreter'] as const;
export type CompanionRole = (typeof companionRoles)[number];

/** Texts in every language; `nl` is the source and always present. */
export type Localized<T> = { nl: T } & Partial<Record<Exclude<Lang, 'nl'>, T>>;

export interface IntakeQuestion {
  id: string;
  required: boolean;
  texts: Localized<{ label: string }>;
}

export interface RequiredDocument {
  id: string;
  texts: Localized<{ label: string }>;
}

export interface Service {
  id: string;
  texts: Localized<{ name: string; description: string }>;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  noticeMin: number;
  horizonDays: number;
  channels: Channel[];
  intake: IntakeQuestion[];
  requiredDocuments: RequiredDocument[];
  active: boolean;
}

export interface Location {
  id: string;
  name: string;
  address: string;
}

export interface OpeningHours {
  id: number;
  staffId: string;
  weekday: number;
  startTime: string;
  endTime: string;
  channel: HoursChannel;
  locationId: string | null;
}

export interface Closure {
  id: number;
  staffId: string | null;
  dateFrom: string;
  dateTo: string;
  reason: string;
}

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: 'medewerker' | 'beheerder';
  active: boolean;
}

/** Picks the text in the wanted language, falling back to Dutch. */
export function localize<T>(texts: Localized<T>, lang: Lang): T {
  return texts[lang] ?? texts.nl;
}
