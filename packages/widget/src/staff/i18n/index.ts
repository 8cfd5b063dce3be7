import { resolveLang, type Lang } from '../../i18n/index.ts';
import type { StaffMessages } from './messages.ts';
import { nl } from './nl.ts';

export type { StaffMessages };
export type StaffLang = Lang;

/** Dutch is the default and ships with the console; every other language is a small chunk of its own. */
const loaders: Record<Lang, () => Promise<StaffMessages>> = {
  nl: async () => nl,
  fr: async () => (await import('./fr.ts')).fr,
  en: async () => (await import('./en.ts')).en,
  de: async () => (await import('./de.ts')).de,
};

/** Texts for a language tag (`fr`, `de-BE`, …); Dutch for anything the console does not speak. */
export const loadStaffMessages = (lang: string): Promise<StaffMessages> => loaders[resolveLang(lang)]();

export { nl as defaultStaffMessages };
