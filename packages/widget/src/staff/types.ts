import type { Channel, CompanionRole, Localized } from '../api/types.ts';

/** Shapes the staff API answers with (packages/server/src/staff). */

export type Role = 'medewerker' | 'beheerder';

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface SessionInfo {
  staff: StaffMember;
  method: string;
  csrfToken: string;
  csrfHeader: string;
  expiresAt: string;
  idleExpiresAt: string;
}

export interface Account extends StaffMember {
  active: boolean;
  serviceIds: string[];
}

export type DeviceCheck = 'passed' | 'failed' | 'not_done';
export type DevicePart = 'camera' | 'microphone' | 'speaker' | 'network';
/** The way forward a citizen chose after a failed device test (issue 11). */
export type DeviceFallback = 'audio-only' | 'phone' | 'counter';
/** One part of the citizen's device test; `skipped`: not tested (audio only, or not answered). */
export type DevicePartResult = 'passed' | 'failed' | 'skipped';
export type AppointmentStatus = 'booked' | 'cancelled' | 'held' | 'no_show';

/** A number to call: `tel` for the `tel:` link (+32470123456), `text` to read (+32 470 12 34 56). */
export interface CallNumber {
  tel: string;
  text: string;
}

export interface AgendaItem {
  id: string;
  status: AppointmentStatus;
  start: string;
  end: string;
  channel: Channel;
  service: { id: string; name: string };
  staff: { id: string; name: string };
  location: { id: string; name: string; address: string } | null;
  /** `phone`: the number to call, for a phone appointment only. */
  citizen: { firstName: string; phone?: CallNumber };
  /** The staff member who booked it for the citizen; null when the citizen booked. */
  bookedBy: { id: string; name: string } | null;
  lang: string;
  companions: { name: string; role: CompanionRole }[];
  intake: { id: string; question: string; answer: string }[];
  /** The municipality's own data from the booking page (balie-booking-requested), e.g. a case number. */
  metadata: Record<string, string>;
  readiness: {
    deviceCheck: DeviceCheck;
    /** Each part of the device test; null when not done, or reported by a widget from before issue 11. */
    deviceParts: Record<DevicePart, DevicePartResult> | null;
    /** What the citizen chose after a failed device test; null when none (or no longer so). */
    fallback: DeviceFallback | null;
    documents: { uploaded: number; required: number };
    waiting: boolean;
  };
  followUpOf: string | null;
}

export interface Agenda {
  from: string;
  days: number;
  staff: string;
  appointments: AgendaItem[];
}

export interface Dossier extends AgendaItem {
  citizen: { firstName: string; name: string; phone?: CallNumber };
  /** `provided`: an upload by the citizen or a companion answers it. */
  requiredDocuments: { id: string; label: string; provided?: boolean }[];
  documents: DossierDocument[];
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

export interface DossierDocument {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** SHA-256 of the stored bytes, lowercase hex. */
  sha256: string;
  uploadedBy: 'citizen' | 'companion' | 'staff';
  requiredDocumentId: string | null;
  createdAt: string;
}

/** The SSE `agenda-changed` event. `change` may grow: treat unknown values as "something changed". */
export interface AgendaChanged {
  appointmentId: string;
  staffId: string;
  change: string;
}

export interface LabelledItem {
  id: string;
  texts: Localized<{ label: string }>;
}

export interface AdminService {
  id: string;
  texts: Localized<{ name: string; description: string }>;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  noticeMin: number;
  horizonDays: number;
  channels: Channel[];
  intake: (LabelledItem & { required: boolean })[];
  requiredDocuments: LabelledItem[];
  active: boolean;
  staffIds: string[];
}

export interface HoursBlock {
  weekday: number;
  startTime: string;
  endTime: string;
  /** A phone call-back has no hours of its own: it is offered in the video hours. */
  channel: Exclude<Channel, 'phone'>;
  locationId: string | null;
}

export interface OpeningHours extends HoursBlock {
  id: number;
  staffId: string;
}

export interface Closure {
  id: number;
  staffId: string | null;
  dateFrom: string;
  dateTo: string;
  reason: string;
}

/** One entry of a 409 `appointments_affected` refusal. */
export interface AffectedAppointment {
  id: string;
  start: string;
  end: string;
  serviceId: string;
  staffId: string;
  channel: Channel;
  citizenFirstName: string;
}

export interface Figures {
  booked: number;
  held: number;
  cancelled: number;
  noShows: number;
  open: number;
  medianLeadTimeHours: number | null;
  callDuration: { count: number; averageMinutes: number; medianMinutes: number } | null;
  satisfaction: { count: number; average: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> } | null;
}

export interface DashboardData extends Figures {
  from: string;
  to: string;
  perService: (Figures & { serviceId: string; name: string })[];
}

/** GET /api/staff/dashboard/comments (a beheerder only): what citizens wrote, with no name to it. */
export interface FeedbackCommentList {
  from: string;
  to: string;
  /** More comments than the server lists at once: a shorter period shows them all. */
  truncated: boolean;
  comments: { serviceId: string; service: string; date: string; score: number; comment: string }[];
}

/** One appointment a person appears in, found by a beheerder for an access or erasure request. */
export interface PersonAppointment {
  appointmentId: string;
  role: 'citizen' | 'companion';
  companionId: string | null;
  serviceId: string;
  service: string;
  channel: string;
  startAt: string;
  endAt: string;
  status: AppointmentStatus;
  name: string;
}

/** The record that an erasure on request happened: who, when, how much; never whose. */
export interface ErasureRecord {
  id: number;
  at: string;
  staffId: string;
  staffName: string | null;
  appointments: number;
  companions: number;
  documents: number;
}

/** Exactly one of the two, in the request body (never in the address). */
export type PersonQuery = { email: string } | { phone: string };

/** GET /api/staff/access-log (a beheerder only): who of the staff read or removed what, newest first. */
export type AccessAction = 'dossier.opened' | 'document.downloaded' | 'export' | 'erase' | 'search';
export interface AccessLogEntry {
  id: number;
  at: string;
  staffId: string;
  staffName: string | null;
  action: AccessAction;
  appointmentId: string | null;
  documentId: string | null;
  detail: string | null;
}
export interface AccessLogPage {
  actions: AccessAction[];
  entries: AccessLogEntry[];
  /** Pass as `before` for the next (older) page; null on the last. */
  next: number | null;
}
export interface AccessLogQuery {
  staffId?: string;
  action?: AccessAction;
  appointmentId?: string;
  from?: string;
  to?: string;
  before?: number;
}

