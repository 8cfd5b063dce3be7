import { z } from 'zod';
import type { FollowUp } from './booking.ts';
import type { CompanionRole, ParticipantRole } from './common.ts';

// ---- Answers ----

/** POST /api/meeting/join: a seat in the call, bound to this meeting and role. */
export interface MeetingJoin {
  meetingId: string;
  peerId: string;
  credential: string;
  role: ParticipantRole;
  name: string;
  iceServers: RTCIceServer[];
  /** `relay` when the municipality routes every call through TURN (hides IP addresses). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  signal: { path: string; key: string };
  admitted: boolean;
}

export interface MeetingParticipant {
  peerId: string;
  name: string;
  role: ParticipantRole;
  /** What a companion comes as: an interpreter is shown as one. */
  companionRole?: CompanionRole;
}

/** GET /api/meeting/state. */
export interface MeetingState {
  admitted: boolean;
  ended: boolean;
  nextSteps: string | null;
  participants: MeetingParticipant[];
  /** Someone of this appointment answered the survey: it is not offered again. */
  feedbackGiven: boolean;
  /** Once ended, for the citizen: the follow-up staff planned (its link comes by mail only). */
  followUp: FollowUp | null;
  /** The citizen prefers text (booking option): the call opens real-time text for everyone. */
  prefersText: boolean;
}

/** GET /api/staff/appointments/:id/meeting. */
export interface StaffMeetingState {
  waiting: MeetingParticipant[];
  participants: MeetingParticipant[];
  ended: boolean;
  /** The citizen prefers text (booking option): the call opens real-time text for everyone. */
  prefersText: boolean;
}

// ---- Requests ----

export const devicePartResults = ['passed', 'failed', 'skipped'] as const;
/** One part of the device test: `skipped` when it was not (or not yet) tested. */
export type DevicePartResult = (typeof devicePartResults)[number];
export type DevicePart = 'camera' | 'microphone' | 'speaker' | 'network';
const partResult = z.enum(devicePartResults);

/** What each part of the device test found (issue 11); `skipped`: not tested (audio only, not answered). */
export const devicePartsSchema = z.strictObject({ camera: partResult, microphone: partResult, speaker: partResult, network: partResult });
export type DeviceParts = z.infer<typeof devicePartsSchema>;

/** POST /api/meeting/device-check: the overall result and each part's. */
export const deviceCheckSchema = z.strictObject({
  result: z.enum(['passed', 'failed']),
  audioOnly: z.boolean(),
  // Optional: a widget from before issue 11, still cached on a municipal page, reports the result only.
  parts: devicePartsSchema.optional(),
});
/** What our widget sends: always each part (the schema also takes an older widget's report without). */
export type DeviceCheckReport = z.input<typeof deviceCheckSchema> & { parts: DeviceParts };

/** POST /api/meeting/feedback: the anonymous survey. */
export const feedbackSchema = z.strictObject({
  score: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  comment: z.string().max(2000, 'use at most 2000 characters').optional(),
});
export type FeedbackRequest = z.input<typeof feedbackSchema>;

/** Peer ids are ours (see newPeerId); anything else cannot be one. */
const peerId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a peer id from POST /join');

/**
 * Admission belongs to the person behind the link, so the caller's `peerId` is accepted but not needed.
 * `meeting` (the join's `meetingId`) routes the request to the instance holding the meeting's sockets
 * (deploy/haproxy.cfg); the server checks it against the raw query text, once, before this schema.
 */
export const stateQuerySchema = z.object({ peerId: z.string().max(100).optional(), meeting: z.string().max(100).optional() });

/** POST /api/staff/appointments/:id/admit: one waiting peer, or everyone waiting. */
export const admitSchema = z.strictObject({ peerId: peerId.optional() });

/** POST /api/staff/appointments/:id/end. */
export const endSchema = z.strictObject({
  nextSteps: z.string().max(10_000, 'use at most 10000 characters').optional(),
});
