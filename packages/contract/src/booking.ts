import { z } from 'zod';
import type { Service, Location } from './catalog.ts';
import { channels, companionRoles, langs, type AppointmentStatus, type Channel, type CompanionRole, type Lang } from './common.ts';
import { dateTime, id, isMobileNumber, phoneNumber } from './fields.ts';
import { personName } from './person-name.ts';

const email = z.email('must be a valid e-mail address such as naam@voorbeeld.be').max(254);

// ---- Answers ----

/** GET /api/config: the municipality's choices the widget follows. */
export interface PublicConfig {
  /** LANGUAGES on the server. */
  languages: string[];
  /** Days personal data are kept after the appointment (RETENTION_DAYS), for the privacy notice. */
  retentionDays: number;
  /** The municipality's full privacy statement (PRIVACY_URL); null when not configured. */
  privacyUrl: string | null;
}

export interface Companion {
  id: string;
  name: string;
  role: CompanionRole;
}

/** GET /api/appointment: the appointment as the holder of a personal link sees it. */
export interface AppointmentView {
  id: string;
  role: 'citizen' | 'companion';
  status: AppointmentStatus;
  serviceId: string;
  service: Pick<Service, 'id' | 'texts' | 'durationMin' | 'requiredDocuments'>;
  channel: Channel;
  location: Location | null;
  start: string;
  end: string;
  lang: Lang;
  citizenName: string;
  companions: Companion[];
}

/** Once a call ended, for the citizen: the follow-up staff planned (its link comes by mail only). */
export interface FollowUp {
  start: string;
  end: string;
  channel: Channel;
  service: Pick<Service, 'id' | 'texts'>;
  location: Location | null;
}

/** POST /api/appointments answers 201 with the personal link's token (it is shown once). */
export interface BookingConfirmation {
  token: string;
  appointment: AppointmentView;
}

// ---- Requests ----

/** POST /api/appointment/companions. */
export const companionSchema = z.strictObject({ name: personName, email, role: z.enum(companionRoles) });
export type CompanionRequest = z.input<typeof companionSchema>;

/**
 * POST /api/appointment/reschedule, and the time of a booking. Strict: a whole slot (with `end`)
 * is refused, so clients build this field by field (issue 11).
 */
export const slotChoiceSchema = z.strictObject({
  start: dateTime,
  channel: z.enum(channels),
  locationId: id.nullish(),
});
export type SlotChoice = z.input<typeof slotChoiceSchema>;

/** POST /api/appointments. */
export const bookingSchema = slotChoiceSchema.extend({
  serviceId: id,
  lang: z.enum(langs).default('nl'),
  citizen: z.strictObject({ name: personName, email, phone: phoneNumber.optional() }),
  companion: companionSchema.nullish(),
  intake: z.record(id, z.string().max(2000, 'use at most 2000 characters')).default({}),
  consent: z.literal(true, 'consent is needed to book'),
  /** "Ik gebruik liever tekst" (issue 14): real-time text opens for everyone in the call. */
  prefersText: z.boolean().optional(),
  returnUrl: z.url().max(2000).optional(),
  /** The host page's own data (balie-booking-requested), e.g. a case number or payment reference. */
  metadata: z
    .record(z.string().regex(/^[\w-]{1,40}$/, 'keys are 1 to 40 letters, digits, - or _'), z.string().max(200, 'use at most 200 characters'))
    .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys')
    .optional(),
});
export type BookingRequest = z.input<typeof bookingSchema>;
export type BookingInput = z.infer<typeof bookingSchema>;

/** GET /api/services/:id/slots?… */
export const slotQuerySchema = z.strictObject({
  channel: z.enum(channels).optional(),
  location: id.optional(),
  from: z.iso.date({ message: 'must be a date such as 2027-03-29' }).optional(),
  days: z.coerce.number().int().min(1).max(62).default(14),
  lang: z.enum(langs).default('nl'),
});

/**
 * POST /api/staff/appointments: staff book for a citizen (issue 11, help by phone) with an e-mail
 * address, a mobile number or both. Without e-mail the confirmation and its personal link go by
 * SMS, so the number must be a mobile one.
 */
export const staffBookingSchema = slotChoiceSchema
  .extend({
    serviceId: id,
    lang: z.enum(langs).default('nl'),
    citizen: z.strictObject({
      name: personName,
      email: z.union([z.literal('').transform(() => undefined), email]).optional(),
      phone: phoneNumber.optional().transform((value) => value || undefined),
    }),
  })
  .superRefine((input, ctx) => {
    const { email, phone } = input.citizen;
    if (!email && !phone) {
      ctx.addIssue({ code: 'custom', path: ['citizen', 'email'], message: 'give an e-mail address or a mobile number' });
    } else if (!email && phone && !isMobileNumber(phone)) {
      ctx.addIssue({ code: 'custom', path: ['citizen', 'phone'], message: 'must be a mobile number to receive the SMS with the link' });
    }
  });
export type StaffBookingRequest = z.input<typeof staffBookingSchema>;
export type StaffBookingInput = z.infer<typeof staffBookingSchema>;
