import type { AdminService, Channel, StaffMember as StaffIdentity, HoursChannel, Lang, Localized } from '@digitale-balie/contract';

// The shapes the catalog shares with the widget are declared once, in the contract.
export { channels, companionRoles, hoursChannels, langs } from '@digitale-balie/contract';
export type {
  Channel,
  Closure,
  CompanionRole,
  HoursChannel,
  IntakeQuestion,
  Lang,
  Localized,
  Location,
  OpeningHours,
  RequiredDocument,
} from '@digitale-balie/contract';

/**
 * The opening hours a channel is offered in. A phone call-back uses the staff member's video hours:
 * both are remote work at their own desk with the same attention and length, so a municipality does
 * not keep (and forget to update) a second copy of each timetable, and a video appointment can turn
 * into a call-back at the same time with the same person (the fallback after a failed device test).
 */
export const hoursChannelOf = (channel: Channel): HoursChannel => (channel === 'phone' ? 'video' : channel);

/** A service as the server keeps it: the citizens' view (GET /api/services) and whether it is offered. */
export type Service = Omit<AdminService, 'staffIds'>;

/** A staff account as the server keeps it. */
export interface StaffMember extends StaffIdentity {
  active: boolean;
}

/** Picks the text in the wanted language, falling back to Dutch. */
export function localize<T>(texts: Localized<T>, lang: Lang): T {
  return texts[lang] ?? texts.nl;
}
