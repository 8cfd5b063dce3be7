import type { AppointmentStatus } from './common.ts';

/** One appointment a person appears in, found by a beheerder for an access or erasure request. */
export interface PersonAppointment {
  appointmentId: string;
  role: 'citizen' | 'companion';
  /** The companion row, for role 'companion'. */
  companionId: string | null;
  serviceId: string;
  service: string;
  channel: string;
  startAt: string;
  endAt: string;
  status: AppointmentStatus;
  /** The name as written on that appointment (the citizen's, or the companion's own). */
  name: string;
}

/** The record that an erasure on request happened: who of the staff, when, how much. Never whose. */
export interface ErasureRecord {
  id: number;
  at: string;
  staffId: string;
  staffName: string | null;
  appointments: number;
  companions: number;
  documents: number;
}

/** POST /api/staff/privacy/search, export and erase: exactly one of the two, in the body (never in the address). */
export type PersonQuery = { email: string } | { phone: string };
