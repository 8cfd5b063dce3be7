export const langs = ['nl', 'fr', 'en', 'de'] as const;
export type Lang = (typeof langs)[number];
export const channels = ['video', 'counter'] as const;
export type Channel = (typeof channels)[number];
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
  channel: Channel;
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
