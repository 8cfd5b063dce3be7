import { z } from 'zod';
import { slotChoiceSchema } from '../booking/schemas.ts';
import { UNIT_MIN } from '../booking/slots.ts';
import { channels, hoursChannels } from '../catalog/types.ts';
import { isCommonPassword } from './common-passwords.ts';
import { defaultStaffPolicy } from './policy.ts';

const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'must contain only letters, digits, - and _');
const email = z.email('must be a valid e-mail address').max(254);
const date = z.iso.date({ message: 'must be a date such as 2027-03-29' });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00');
const text = (max: number) => z.string().trim().min(1, 'please fill this in').max(max, `use at most ${max} characters`);
const newPassword = z
  .string()
  .min(defaultStaffPolicy.minPasswordLength, `use at least ${defaultStaffPolicy.minPasswordLength} characters`)
  .max(200, 'use at most 200 characters')
  .refine((password) => !isCommonPassword(password), 'is on a list of common passwords: choose another');
const minutes = (max: number) =>
  z.number().int().min(0).max(max).refine((n) => n % UNIT_MIN === 0, `must be a multiple of ${UNIT_MIN} minutes`);
/** `nl` is the source language and always required; the others fall back to it. */
const localized = <T extends z.ZodType>(shape: T) =>
  z.strictObject({ nl: shape, fr: shape.optional(), en: shape.optional(), de: shape.optional() });
const uniqueIds = (items: { id: string }[]) => new Set(items.map((i) => i.id)).size === items.length;

export const loginSchema = z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });

export const createAccountSchema = z.strictObject({
  name: text(120),
  email,
  role: z.enum(['medewerker', 'beheerder']),
  password: newPassword,
  serviceIds: z.array(id).max(100).default([]),
});

export const changePasswordSchema = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword });

/** A one-time link's token (43 base64url characters) and the password its holder chooses. */
export const setPasswordSchema = z.strictObject({
  token: z.string().regex(/^[\w-]{43}$/, 'is not a link to set a password'),
  newPassword,
});

export const agendaQuerySchema = z.strictObject({
  from: date.optional(),
  days: z.coerce.number().int().min(1).max(31).default(1),
  staff: z.union([z.literal('all'), id]).optional(),
  includeCancelled: z.enum(['true', 'false']).default('false'),
});

export const dossierPatchSchema = z
  .strictObject({
    notes: z.string().max(10_000, 'use at most 10000 characters').nullable().optional(),
    nextSteps: z.string().max(10_000, 'use at most 10000 characters').nullable().optional(),
  })
  .refine((p) => p.notes !== undefined || p.nextSteps !== undefined, 'send notes, nextSteps or both');

export const cancelSchema = z.strictObject({ message: text(2000) });

export const followUpSchema = slotChoiceSchema.extend({
  serviceId: id.optional(),
  note: z.string().trim().max(2000, 'use at most 2000 characters').optional(),
});

const labelled = z.strictObject({ id, required: z.boolean().default(false), texts: localized(z.strictObject({ label: text(300) })) });
const documentSpec = z.strictObject({ id, texts: localized(z.strictObject({ label: text(300) })) });

const serviceFields = {
  texts: localized(z.strictObject({ name: text(120), description: z.string().trim().max(1000) })),
  durationMin: minutes(480).refine((n) => n > 0, 'must be more than 0'),
  bufferBeforeMin: minutes(120),
  bufferAfterMin: minutes(120),
  noticeMin: z.number().int().min(0).max(60 * 24 * 30),
  horizonDays: z.number().int().min(1).max(365),
  channels: z
    .array(z.enum(channels))
    .min(1, 'offer at least one channel')
    .refine((c) => new Set(c).size === c.length, 'list each channel once'),
  intake: z.array(labelled).max(20).refine(uniqueIds, 'question ids must be unique'),
  requiredDocuments: z.array(documentSpec).max(20).refine(uniqueIds, 'document ids must be unique'),
  active: z.boolean(),
  /** The staff members who offer the service; replaces the current list when sent. */
  staffIds: z.array(id).max(100),
};

export const createServiceSchema = z.strictObject({
  id,
  ...serviceFields,
  intake: serviceFields.intake.default([]),
  requiredDocuments: serviceFields.requiredDocuments.default([]),
  active: serviceFields.active.default(true),
  staffIds: serviceFields.staffIds.default([]),
});
export type CreateServiceInput = z.infer<typeof createServiceSchema>;

export const updateServiceSchema = z.strictObject(serviceFields).partial();
export type UpdateServiceInput = z.infer<typeof updateServiceSchema>;

const hoursBlock = z
  .strictObject({
    weekday: z.number().int().min(1).max(7),
    startTime: time,
    endTime: time,
    channel: z.enum(hoursChannels),
    locationId: id.nullable().default(null),
  })
  .refine((h) => h.startTime < h.endTime, { message: 'must end after it starts', path: ['endTime'] })
  .refine((h) => (h.channel === 'counter') === (h.locationId !== null), {
    message: 'a counter block needs a location; a video block has none',
    path: ['locationId'],
  });
export type HoursBlock = z.infer<typeof hoursBlock>;

export const replaceHoursSchema = z.strictObject({
  hours: z
    .array(hoursBlock)
    .max(50)
    .refine(
      (blocks) =>
        blocks.every((a, i) => blocks.every((b, j) => i === j || a.weekday !== b.weekday || a.endTime <= b.startTime || b.endTime <= a.startTime)),
      'blocks on the same day must not overlap',
    ),
});

export const closureSchema = z
  .strictObject({ staffId: id.nullable().default(null), dateFrom: date, dateTo: date, reason: text(200) })
  .refine((c) => c.dateFrom <= c.dateTo, { message: 'must not be before dateFrom', path: ['dateTo'] });

export const dashboardQuerySchema = z
  .strictObject({ from: date.optional(), to: date.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });
