import type { Lang } from '../i18n/index.ts';

/** `phone`: staff call the citizen back at the time. */
export type Channel = 'video' | 'counter' | 'phone';
export const companionRoles = ['carer', 'family', 'interpreter'] as const;
export type CompanionRole = (typeof companionRoles)[number];
export type Localized<T> = { nl: T } & Partial<Record<Exclude<Lang, 'nl'>, T>>;

/** GET /api/config: the municipality's choices the widget follows (LANGUAGES on the server). */
export interface PublicConfig {
  languages: string[];
  /** Days personal data are kept after the appointment (RETENTION_DAYS), for the privacy notice. */
  retentionDays: number;
  /** The municipality's full privacy statement (PRIVACY_URL); null when not configured. */
  privacyUrl: string | null;
}

export interface Service {
  id: string;
  texts: Localized<{ name: string; description: string }>;
  durationMin: number;
  channels: Channel[];
  intake: { id: string; required: boolean; texts: Localized<{ label: string }> }[];
  requiredDocuments: { id: string; texts: Localized<{ label: string }> }[];
}

export interface Location {
  id: string;
  name: string;
  address: string;
}

export interface Slot {
  start: string;
  end: string;
  channel: Channel;
  locationId: string | null;
}

export interface Companion {
  id: string;
  name: string;
  role: CompanionRole;
}

export interface AppointmentView {
  id: string;
  role: 'citizen' | 'companion';
  status: 'booked' | 'cancelled' | 'held' | 'no_show';
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

export interface BookingRequest {
  serviceId: string;
  start: string;
  channel: Channel;
  locationId: string | null;
  lang: Lang;
  citizen: { name: string; email: string; phone?: string };
  companion?: { name: string; email: string; role: CompanionRole } | null;
  intake: Record<string, string>;
  consent: boolean;
  returnUrl?: string;
  /** The host page's own data (balie-booking-requested): stored with the appointment, sent in webhooks. */
  metadata?: Record<string, string>;
}

export const localize = <T>(texts: Localized<T>, lang: Lang): T => texts[lang] ?? texts.nl;

/** One part of the device test: `skipped` when it was not (or not yet) tested. */
export type DevicePartResult = 'passed' | 'failed' | 'skipped';

/** POST /api/meeting/device-check: the overall result and each part's (issue 11). */
export interface DeviceCheckReport {
  result: 'passed' | 'failed';
  audioOnly: boolean;
  parts: { camera: DevicePartResult; microphone: DevicePartResult; speaker: DevicePartResult; network: DevicePartResult };
}

export interface MeetingJoin {
  meetingId: string;
  peerId: string;
  credential: string;
  role: 'staff' | 'citizen' | 'companion';
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
  role: 'staff' | 'citizen' | 'companion';
  /** What a companion comes as: an interpreter is shown as one. */
  companionRole?: CompanionRole;
}

export interface MeetingState {
  admitted: boolean;
  ended: boolean;
  nextSteps: string | null;
  participants: MeetingParticipant[];
  /** Someone of this appointment answered the survey: it is not offered again. */
  feedbackGiven: boolean;
  /** Once ended, for the citizen: the follow-up staff planned (its link comes by mail only). */
  followUp: FollowUp | null;
}

export interface FollowUp {
  start: string;
  end: string;
  channel: Channel;
  service: Pick<Service, 'id' | 'texts'>;
  location: Location | null;
}

/** A document of the appointment, visible to its participants once its content passed the checks. */
export interface DocumentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: 'citizen' | 'companion' | 'staff';
  requiredDocumentId: string | null;
  createdAt: string;
  /** Sent by the one looking. */
  mine: boolean;
  canDelete: boolean;
}

export interface DocumentList {
  documents: DocumentView[];
  /** The service's required documents and whether a citizen or companion upload answers each. */
  required: { id: string; texts: Localized<{ label: string }>; provided: boolean }[];
  limits: { maxFileBytes: number; remainingBytes: number };
}
