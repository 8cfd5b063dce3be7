import type { AppointmentStatus } from '../booking/store.ts';
import type { Channel, CompanionRole, Lang } from '../catalog/types.ts';
import type { Db } from '../db/database.ts';
import type { DeviceFallback, DeviceParts, Dossier } from '@digitale-balie/contract';

/**
 * An appointment as staff see it: no e-mail address, no token material, a phone number only to call
 * back. The dossier's own fields are the contract's, as the dossier answers them.
 */
export interface StaffAppointmentRow
  extends Pick<Dossier, 'notes' | 'nextSteps' | 'createdAt' | 'cancelledAt' | 'cancelledBy' | 'heldAt' | 'noShowAt'> {
  id: string;
  serviceId: string;
  staffId: string;
  staffName: string;
  channel: Channel;
  locationId: string | null;
  startAt: string;
  endAt: string;
  status: AppointmentStatus;
  citizenName: string;
  /** The number to call, for a phone appointment only (null for video and counter). */
  callPhone: string | null;
  /** Who booked it for the citizen (help by phone, a follow-up); null when the citizen booked. */
  bookedBy: { id: string; name: string } | null;
  lang: Lang;
  intake: Record<string, string>;
  metadata: Record<string, string>;
  deviceCheck: 'passed' | 'failed' | null;
  /** Each part of the device test (issue 11); null when not done, or reported by an older widget. */
  deviceCheckParts: DeviceParts | null;
  deviceCheckAt: string | null;
  /** The way forward the citizen chose after a failed device test (issue 11); null when none. */
  deviceFallback: DeviceFallback | null;
  /** "Ik gebruik liever tekst" at booking (issue 14). */
  prefersText: boolean;
  waitingSince: string | null;
  documentsUploaded: number;
  followUpOf: string | null;
}

const columns = `a.id, a.service_id AS serviceId, a.staff_id AS staffId, st.name AS staffName, a.channel,
  a.location_id AS locationId, a.start_at AS startAt, a.end_at AS endAt, a.status, a.citizen_name AS citizenName,
  CASE WHEN a.channel = 'phone' THEN a.citizen_phone END AS callPhone, a.booked_by AS bookedById, bb.name AS bookedByName,
  a.lang, a.intake, a.metadata, a.device_check AS deviceCheck, a.device_check_parts AS deviceCheckParts, a.device_check_at AS deviceCheckAt, a.device_fallback AS deviceFallback, a.prefers_text AS prefersText, a.waiting_since AS waitingSince,
  (SELECT COUNT(*) FROM documents d WHERE d.appointment_id = a.id AND d.uploaded_by != 'staff'
     AND d.completed_at IS NOT NULL AND d.deleted_at IS NULL) AS documentsUploaded,
  a.notes, a.next_steps AS nextSteps, a.created_at AS createdAt, a.cancelled_at AS cancelledAt,
  a.cancelled_by AS cancelledBy, a.held_at AS heldAt, a.no_show_at AS noShowAt, a.follow_up_of AS followUpOf`;
const from = 'FROM appointments a JOIN staff st ON st.id = a.staff_id LEFT JOIN staff bb ON bb.id = a.booked_by';

type Row = Omit<StaffAppointmentRow, 'intake' | 'metadata' | 'deviceCheckParts' | 'bookedBy' | 'prefersText'> & {
  prefersText: number;
  intake: string;
  metadata: string;
  deviceCheckParts: string | null;
  bookedById: string | null;
  bookedByName: string | null;
};
const toRow = ({ bookedById, bookedByName, ...row }: Row): StaffAppointmentRow => ({
  ...row,
  bookedBy: bookedById ? { id: bookedById, name: bookedByName ?? bookedById } : null,
  intake: JSON.parse(row.intake),
  metadata: JSON.parse(row.metadata),
  deviceCheckParts: row.deviceCheckParts ? JSON.parse(row.deviceCheckParts) : null,
  prefersText: row.prefersText === 1,
});

/** What the impact dashboard counts, per appointment. */
export interface DashboardRow {
  serviceId: string;
  status: AppointmentStatus;
  createdAt: string;
  startAt: string;
  callStartedAt: string | null;
  callEndedAt: string | null;
}

/** Reads and the few writes the staff console makes on appointments. */
export function staffAppointmentsStore(db: Db) {
  const s = {
    between: db.prepare<{ from: string; to: string; staffId: string | null; withCancelled: number }, Row>(
      `SELECT ${columns} ${from}
       WHERE a.start_at >= @from AND a.start_at < @to AND (@staffId IS NULL OR a.staff_id = @staffId)
         AND (@withCancelled = 1 OR a.status != 'cancelled')
       ORDER BY a.start_at, a.id`,
    ),
    byId: db.prepare<[string], Row>(`SELECT ${columns} ${from} WHERE a.id = ?`),
    futureBooked: db.prepare<{ now: string; staffId: string | null; serviceId: string | null }, Row>(
      `SELECT ${columns} ${from}
       WHERE a.status = 'booked' AND a.end_at > @now
         AND (@staffId IS NULL OR a.staff_id = @staffId) AND (@serviceId IS NULL OR a.service_id = @serviceId)
       ORDER BY a.start_at`,
    ),
    companions: db.prepare<[string], { name: string; role: CompanionRole }>(
      'SELECT name, role FROM companions WHERE appointment_id = ? AND removed_at IS NULL ORDER BY created_at',
    ),
    followUps: db.prepare<[string], { id: string }>("SELECT id FROM appointments WHERE follow_up_of = ? ORDER BY start_at"),
    setNotes: db.prepare(
      `UPDATE appointments SET notes = CASE WHEN @setNotes THEN @notes ELSE notes END,
         next_steps = CASE WHEN @setNextSteps THEN @nextSteps ELSE next_steps END, updated_by = @by WHERE id = @id`,
    ),
    markHeld: db.prepare("UPDATE appointments SET status = 'held', held_at = ?, updated_by = ? WHERE id = ? AND status = 'booked'"),
    markNoShow: db.prepare("UPDATE appointments SET status = 'no_show', no_show_at = ?, updated_by = ? WHERE id = ? AND status = 'booked'"),
    linkFollowUp: db.prepare('UPDATE appointments SET follow_up_of = ? WHERE id = ?'),
    dashboard: db.prepare<[string, string], DashboardRow>(
      `SELECT service_id AS serviceId, status, created_at AS createdAt, start_at AS startAt,
         call_started_at AS callStartedAt, call_ended_at AS callEndedAt
       FROM appointments WHERE start_at >= ? AND start_at < ?`,
    ),
    feedback: db.prepare<[string, string], { serviceId: string; score: number }>(
      'SELECT service_id AS serviceId, score FROM feedback WHERE created_at >= ? AND created_at < ?',
    ),
  };

  return {
    between: (q: { from: string; to: string; staffId: string | null; withCancelled: boolean }) =>
      s.between.all({ ...q, withCancelled: q.withCancelled ? 1 : 0 }).map(toRow),
    get(id: string): StaffAppointmentRow | undefined {
      const row = s.byId.get(id);
      return row && toRow(row);
    },
    /** Booked appointments not yet over, optionally of one staff member or service. */
    futureBooked: (now: string, filter: { staffId?: string | null; serviceId?: string | null } = {}) =>
      s.futureBooked.all({ now, staffId: filter.staffId ?? null, serviceId: filter.serviceId ?? null }).map(toRow),
    companions: (id: string) => s.companions.all(id),
    followUps: (id: string) => s.followUps.all(id).map((r) => r.id),
    setNotes(id: string, by: string, patch: { notes?: string | null | undefined; nextSteps?: string | null | undefined }) {
      s.setNotes.run({
        id,
        by,
        setNotes: patch.notes === undefined ? 0 : 1,
        notes: patch.notes ?? null,
        setNextSteps: patch.nextSteps === undefined ? 0 : 1,
        nextSteps: patch.nextSteps ?? null,
      });
    },
    markHeld: (id: string, at: string, by: string) => s.markHeld.run(at, by, id).changes === 1,
    markNoShow: (id: string, at: string, by: string) => s.markNoShow.run(at, by, id).changes === 1,
    linkFollowUp: (id: string, originalId: string) => void s.linkFollowUp.run(originalId, id),
    dashboardRows: (fromIso: string, toIso: string) => s.dashboard.all(fromIso, toIso),
    feedbackScores: (fromIso: string, toIso: string) => s.feedback.all(fromIso, toIso),
  };
}

export type StaffAppointmentsStore = ReturnType<typeof staffAppointmentsStore>;
