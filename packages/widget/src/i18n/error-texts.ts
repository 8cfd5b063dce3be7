import type { BookingMessages } from './messages.ts';

/**
 * The server's refusal codes a citizen can meet, each with the text that tells them what to do next.
 * The documents panel adds its upload refusals (`documents.errors`, keyed by the same codes).
 * `packages/server/src/http/error-texts.test.ts` checks that every code the citizen routes throw is here.
 */
export const errorTexts = {
  invalid_link: (t) => t.errors.invalidLink,
  not_authenticated: (t) => t.errors.invalidLink,
  other_appointment: (t) => t.errors.invalidLink,
  appointment_cancelled: (t) => t.errors.cancelled,
  link_expired: (t) => t.errors.expired,
  not_found: (t) => t.errors.notFound,
  slot_taken: (t) => t.errors.slotTaken,
  too_many_companions: (t) => t.errors.tooManyCompanions,
  too_many_invitations: (t) => t.errors.tooManyInvitations,
  too_many_bookings: (t) => t.errors.tooManyBookings,
  rate_limited: (t) => t.errors.rateLimited,
  validation_failed: (t) => t.errors.summary,
  appointment_started: (t) => t.errors.started,
  channel_not_offered: (t) => t.errors.channelNotOffered,
  citizen_only: (t) => t.errors.citizenOnly,
  not_video: (t) => t.errors.notVideo,
  feedback_given: (t) => t.errors.feedbackGiven,
  meeting_ended: (t) => t.meeting.closed,
  meeting_closed: (t) => t.meeting.closed,
} satisfies Record<string, (t: BookingMessages) => string>;

/** A failure in the citizen's language: `network` when the server was not reached, a 5xx as ours. */
export function errorText(t: BookingMessages, code: string, status: number): string {
  if (code === 'network') return t.errors.network;
  if (status >= 500) return t.errors.server;
  return (errorTexts as Record<string, (t: BookingMessages) => string>)[code]?.(t) ?? t.errors.generic;
}
