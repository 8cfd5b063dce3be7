import { z } from 'zod';
import { channels, hoursChannels, type Channel, type HoursChannel, type Localized } from './common.ts';
import { date, id, text } from './fields.ts';

/** The grid every slot, duration and buffer is on, in minutes. */
export const UNIT_MIN = 5;

// ---- Answers ----

export interface IntakeQuestion {
  id: string;
  required: boolean;
  texts: Localized<{ label: string }>;
}

export interface RequiredDocument {
  id: string;
  texts: Localized<{ label: string }>;
}

/** GET /api/services and /api/services/:id: a service as citizens may book it. */
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
}

/** GET /api/staff/services: a service with what only staff manage. */
export interface AdminService extends Service {
  active: boolean;
  /** The staff members who offer it. */
  staffIds: string[];
}

/** GET /api/locations. */
export interface Location {
  id: string;
  name: string;
  address: string;
}

/** GET /api/services/:id/slots: `{ slots: Slot[] }`. */
export interface Slot {
  start: string;
  end: string;
  channel: Channel;
  locationId: string | null;
}

/** GET /api/staff/opening-hours: one block of a staff member's week. */
export interface OpeningHours {
  id: number;
  staffId: string;
  weekday: number;
  startTime: string;
  endTime: string;
  /** A phone call-back has no hours of its own: it is offered in the video hours. */
  channel: HoursChannel;
  locationId: string | null;
}

/** GET /api/staff/closures. */
export interface Closure {
  id: number;
  staffId: string | null;
  dateFrom: string;
  dateTo: string;
  reason: string;
}

/** One entry of a 409 `appointments_affected` refusal (a change of hours, a closure, a service). */
export interface AffectedAppointment {
  id: string;
  start: string;
  end: string;
  serviceId: string;
  staffId: string;
  channel: Channel;
  citizenFirstName: string;
}

// ---- Requests (a beheerder manages the catalog) ----

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00');
const minutes = (max: number) =>
  z.number().int().min(0).max(max).refine((n) => n % UNIT_MIN === 0, `must be a multiple of ${UNIT_MIN} minutes`);
/** `nl` is the source language and always required; the others fall back to it. */
const localized = <T extends z.ZodType>(shape: T) =>
  z.strictObject({ nl: shape, fr: shape.optional(), en: shape.optional(), de: shape.optional() });
const uniqueIds = (items: { id: string }[]) => new Set(items.map((i) => i.id)).size === items.length;

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

/** POST /api/staff/services. */
export const createServiceSchema = z.strictObject({
  id,
  ...serviceFields,
  intake: serviceFields.intake.default([]),
  requiredDocuments: serviceFields.requiredDocuments.default([]),
  active: serviceFields.active.default(true),
  staffIds: serviceFields.staffIds.default([]),
});
export type CreateServiceRequest = z.input<typeof createServiceSchema>;
export type CreateServiceInput = z.infer<typeof createServiceSchema>;

/** PATCH /api/staff/services/:id: only what changes. */
export const updateServiceSchema = z.strictObject(serviceFields).partial();
export type UpdateServiceRequest = z.input<typeof updateServiceSchema>;
export type UpdateServiceInput = z.infer<typeof updateServiceSchema>;

const hoursBlockSchema = z
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
export type HoursBlock = z.infer<typeof hoursBlockSchema>;

/** PUT /api/staff/opening-hours/:staffId: the whole week at once. */
export const replaceHoursSchema = z.strictObject({
  hours: z
    .array(hoursBlockSchema)
    .max(50)
    .refine(
      (blocks) =>
        blocks.every((a, i) => blocks.every((b, j) => i === j || a.weekday !== b.weekday || a.endTime <= b.startTime || b.endTime <= a.startTime)),
      'blocks on the same day must not overlap',
    ),
});

/** POST /api/staff/closures. */
export const closureSchema = z
  .strictObject({ staffId: id.nullable().default(null), dateFrom: date, dateTo: date, reason: text(200) })
  .refine((c) => c.dateFrom <= c.dateTo, { message: 'must not be before dateFrom', path: ['dateTo'] });
export type ClosureRequest = z.input<typeof closureSchema>;
