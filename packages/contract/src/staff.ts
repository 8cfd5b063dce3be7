import { z } from 'zod';
import { slotChoiceSchema } from './booking.ts';
import type { AppointmentStatus, Channel, CompanionRole } from './common.ts';
import type { DocumentInfo } from './documents.ts';
import type { DeviceFallback } from './fallback.ts';
import { date, id, text } from './fields.ts';
import type { DevicePart, DevicePartResult } from './meeting.ts';
import type { SignInStep } from './staff-identity.ts';

// ---- Answers ----

export type Role = 'medewerker' | 'beheerder';

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** GET /api/staff/session, and what signing in answers. */
export interface SessionInfo {
  staff: StaffMember;
  method: string;
  /** A step still to take before the console opens (the TOTP code, one's own password, enrolment); null: signed in. */
  pending: SignInStep | null;
  csrfToken: string;
  csrfHeader: string;
  expiresAt: string;
  idleExpiresAt: string;
}

/** GET /api/staff/accounts. */
export interface Account extends StaffMember {
  active: boolean;
  serviceIds: string[];
  /** Must choose a password of their own at the next sign-in. */
  mustChangePassword: boolean;
  /** A TOTP second factor is enrolled. */
  totp: boolean;
  /** Signs in through the OpenID provider. */
  oidc: boolean;
}

export type DeviceCheck = 'passed' | 'failed' | 'not_done';

/** A number to call: `tel` for the `tel:` link (+32470123456), `text` to read (+32 470 12 34 56). */
export interface CallNumber {
  tel: string;
  text: string;
}

/** One appointment of GET /api/staff/agenda. */
export interface AgendaItem {
  id: string;
  status: AppointmentStatus;
  start: string;
  end: string;
  channel: Channel;
  service: { id: string; name: string };
  staff: { id: string; name: string };
  location: { id: string; name: string; address: string } | null;
  /** A name to greet, not the citizen's identity; `phone`: the number to call, for a phone appointment only. */
  citizen: { firstName: string; phone?: CallNumber };
  /** The staff member who booked it for the citizen; null when the citizen booked. */
  bookedBy: { id: string; name: string } | null;
  lang: string;
  companions: { name: string; role: CompanionRole }[];
  intake: { id: string; question: string; answer: string }[];
  /** The municipality's own data from the booking page (balie-booking-requested), e.g. a case number. */
  metadata: Record<string, string>;
  /** The citizen chose "Ik gebruik liever tekst" (issue 14): the call opens real-time text. */
  prefersText: boolean;
  readiness: {
    deviceCheck: DeviceCheck;
    /** Each part of the device test; null when not done, or reported by a widget from before issue 11. */
    deviceParts: Record<DevicePart, DevicePartResult> | null;
    /** The way forward the citizen chose after a failed device test, while the appointment is still so. */
    fallback: DeviceFallback | null;
    documents: { uploaded: number; required: number };
    waiting: boolean;
  };
  followUpOf: string | null;
}

/** GET /api/staff/agenda. */
export interface Agenda {
  from: string;
  days: number;
  staff: string;
  appointments: AgendaItem[];
}

/** GET /api/staff/appointments/:id, and what every change of it answers. */
export interface Dossier extends AgendaItem {
  citizen: { firstName: string; name: string; phone?: CallNumber };
  /** `provided`: an upload by the citizen or a companion answers it. */
  requiredDocuments: { id: string; label: string; provided?: boolean }[];
  documents: DocumentInfo[];
  deviceCheckAt: string | null;
  waitingSince: string | null;
  notes: string | null;
  nextSteps: string | null;
  createdAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  heldAt: string | null;
  noShowAt: string | null;
  followUps: string[];
}

/** The SSE `agenda-changed` event. `change` may grow: treat unknown values as "something changed". */
export interface AgendaChanged {
  appointmentId: string;
  staffId: string;
  change: string;
}

// ---- Requests ----

/** POST /api/staff/login. */
export const loginSchema = z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });

/**
 * A new password's shape. The server adds its own policy on top (the list of common passwords), so
 * this is what a client can know without it.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'use at most 200 characters');

/** POST /api/staff/accounts. */
export const createAccountSchema = z.strictObject({
  name: text(120),
  email: z.email('must be a valid e-mail address').max(254),
  role: z.enum(['medewerker', 'beheerder']),
  password: newPassword,
  serviceIds: z.array(id).max(100).default([]),
});
export type CreateAccountRequest = z.input<typeof createAccountSchema>;

/** POST /api/staff/password. */
export const changePasswordSchema = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword });

/** POST /api/staff/password-link: a one-time link's token (43 base64url characters) and the password its holder chooses. */
export const setPasswordSchema = z.strictObject({
  token: z.string().regex(/^[\w-]{43}$/, 'is not a link to set a password'),
  newPassword,
});

/** GET /api/staff/agenda?… */
export const agendaQuerySchema = z.strictObject({
  from: date.optional(),
  days: z.coerce.number().int().min(1).max(31).default(1),
  staff: z.union([z.literal('all'), id]).optional(),
  includeCancelled: z.enum(['true', 'false']).default('false'),
});

/** PATCH /api/staff/appointments/:id. */
export const dossierPatchSchema = z
  .strictObject({
    notes: z.string().max(10_000, 'use at most 10000 characters').nullable().optional(),
    nextSteps: z.string().max(10_000, 'use at most 10000 characters').nullable().optional(),
  })
  .refine((p) => p.notes !== undefined || p.nextSteps !== undefined, 'send notes, nextSteps or both');
export type DossierPatch = z.input<typeof dossierPatchSchema>;

/** POST /api/staff/appointments/:id/cancel: the message goes to the citizen. */
export const cancelSchema = z.strictObject({ message: text(2000) });

/** POST /api/staff/appointments/:id/follow-up. */
export const followUpSchema = slotChoiceSchema.extend({
  serviceId: id.optional(),
  note: z.string().trim().max(2000, 'use at most 2000 characters').optional(),
});
export type FollowUpRequest = z.input<typeof followUpSchema>;
