import { isValidPhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { channels, companionRoles, langs } from '../catalog/types.ts';
import { personName } from './person-name.ts';

const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'must contain only letters, digits, - and _');
const email = z.email('must be a valid e-mail address such as naam@voorbeeld.be').max(254);
const phone = z
  .string()
  .trim()
  .max(32)
  .refine((value) => value === '' || isValidPhoneNumber(value, 'BE'), 'must be a valid phone number such as 0470 12 34 56');

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
