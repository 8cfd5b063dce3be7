import { z } from 'zod';
import { date } from './fields.ts';

// ---- Answers ----

export interface Figures {
  /** Every appointment that starts in the range, whatever became of it. */
  booked: number;
  held: number;
  cancelled: number;
  noShows: number;
  /** Still booked: in the future, or not yet marked held or no-show. */
  open: number;
  /** Median hours from booking to the appointment's start, cancelled ones left out. */
  medianLeadTimeHours: number | null;
  /** Null until a call in the range has both a start and an end. */
  callDuration: { count: number; averageMinutes: number; medianMinutes: number } | null;
  /** Null until feedback arrives in the range. */
  satisfaction: { count: number; average: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> } | null;
}

/** GET /api/staff/dashboard: the impact figures of a range of local dates, in total and per service. */
export interface DashboardData extends Figures {
  from: string;
  to: string;
  perService: (Figures & { serviceId: string; name: string })[];
}

/**
 * What a citizen wrote in the survey after their call. A feedback row holds a service, a day and a
 * score, never an appointment or a person, so a comment cannot be shown with a name: there is none.
 */
export interface FeedbackComment {
  serviceId: string;
  service: string;
  /** The local day it was given (the row keeps no time of day). */
  date: string;
  score: number;
  comment: string;
}

/** GET /api/staff/dashboard/comments (a beheerder only). */
export interface FeedbackCommentList {
  from: string;
  to: string;
  /** More comments than the server lists at once: a shorter period shows them all. */
  truncated: boolean;
  comments: FeedbackComment[];
}

// ---- Requests ----

/** GET /api/staff/dashboard, its CSV and its comments: `?from=&to=` (local dates, both optional). */
export const dashboardQuerySchema = z
  .strictObject({ from: date.optional(), to: date.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });
