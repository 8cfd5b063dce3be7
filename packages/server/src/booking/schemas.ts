import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { channels, companionRoles, langs } from '../catalog/types.ts';
import { personName } from './person-name.ts';

const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'must contain only letters, digits, - and _');
const email = z.email('must be a valid e-mail address such as naam@voorbeeld.be').max(254);

/**
 * A phone number as people type it (Belgian without prefix, or international), stored in
 * international form (+32470123456): what a `tel:` link and an SMS provider need. '' stays ''.
 * libphonenumber-js's full metadata, so it can also tell a mobile number from a fixed line.
 */
export const phoneNumber = z
  .string()
  .trim()
  .max(32)
  .transform((value, ctx) => {
    if (value === '') return '';
    const parsed = parsePhoneNumberFromString(value, 'BE');
    if (parsed?.isValid()) return parsed.number;
    ctx.addIssue({ code: 'custom', message: 'must be a valid phone number such as 0470 12 34 56' });
    return z.NEVER;
  });
const phone = phoneNumber;

/** True for a number that can receive an SMS (some countries cannot tell mobile from fixed: allowed). */
export const isMobileNumber = (international: string) => {
  const type = parsePhoneNumberFromString(international)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
};

export const companionSchema = z.strictObject({ name: personName, email, role: z.enum(companionRoles) });

export const slotChoiceSchema = z.strictObject({
  start: z.iso.datetime({ message: 'must be a date and time such as 2027-03-29T07:00:00.000Z' }),
  channel: z.enum(channels),
  locationId: id.nullish(),
});

export const bookingSchema = slotChoiceSchema.extend({
  serviceId: id,
  lang: z.enum(langs).default('nl'),
  citizen: z.strictObject({ name: personName, email, phone: phone.optional() }),
  companion: companionSchema.nullish(),
  intake: z.record(id, z.string().max(2000, 'use at most 2000 characters')).default({}),
  consent: z.literal(true, 'consent is needed to book'),
  returnUrl: z.url().max(2000).optional(),
  /** The host page's own data (balie-booking-requested), e.g. a case number or payment reference. */
  metadata: z
    .record(z.string().regex(/^[\w-]{1,40}$/, 'keys are 1 to 40 letters, digits, - or _'), z.string().max(200, 'use at most 200 characters'))
    .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys')
    .optional(),
});
export type BookingInput = z.infer<typeof bookingSchema>;

export const slotQuerySchema = z.strictObject({
  channel: z.enum(channels).optional(),
  location: id.optional(),
  from: z.iso.date({ message: 'must be a date such as 2027-03-29' }).optional(),
  days: z.coerce.number().int().min(1).max(62).default(14),
  lang: z.enum(langs).default('nl'),
});

/**
 * Staff book for a citizen (issue 11, help by phone): an e-mail address, a mobile number or both.
 * Without e-mail the confirmation and its personal link go by SMS, so the number must be a mobile one.
 */
export const staffBookingSchema = slotChoiceSchema
  .extend({
    serviceId: id,
    lang: z.enum(langs).default('nl'),
    citizen: z.strictObject({
      name: personName,
      email: z.union([z.literal('').transform(() => undefined), email]).optional(),
      phone: phone.optional().transform((value) => value || undefined),
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
export type StaffBookingInput = z.infer<typeof staffBookingSchema>;
