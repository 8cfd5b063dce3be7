import type { CompanionRole, Localized } from '@digitale-balie/contract';
import type { Lang } from '../i18n/index.ts';

/**
 * The shapes the widget sends and receives are declared once, in packages/contract, and imported
 * here as types only: no zod and no server code reaches the bundle (eslint refuses a value import).
 */
export type {
  AppointmentView,
  BookingConfirmation,
  BookingRequest,
  Channel,
  Companion,
  CompanionRequest,
  CompanionRole,
  DeviceCheckReport,
  DevicePartResult,
  DocumentList,
  DocumentView,
  FollowUp,
  Localized,
  Location,
  MeetingJoin,
  MeetingParticipant,
  MeetingState,
  PublicConfig,
  Service,
  Slot,
  SlotChoice,
  StaffMeetingState,
} from '@digitale-balie/contract';

/** The roles a companion comes as, in the order the form offers them (the contract's list, as a value). */
export const companionRoles = ['carer', 'family', 'interpreter'] as const satisfies readonly CompanionRole[];
// Fails to compile when the contract gains a role this list lacks.
type MissingRole = Exclude<CompanionRole, (typeof companionRoles)[number]>;
const _everyRole: [MissingRole] extends [never] ? true : MissingRole = true;

export const localize = <T>(texts: Localized<T>, lang: Lang): T => texts[lang] ?? texts.nl;
