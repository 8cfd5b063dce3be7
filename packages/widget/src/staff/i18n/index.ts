import type { StaffMessages } from './messages.ts';
import { nl } from './nl.ts';

export type { StaffMessages };
export type StaffLang = 'nl' | 'en';

/** Dutch is the default and ships with the console; English is a small chunk of its own. */
export async function loadStaffMessages(lang: string): Promise<StaffMessages> {
  return lang.toLowerCase().startsWith('en') ? (await import('./en.ts')).en : nl;
}

export { nl as defaultStaffMessages };
