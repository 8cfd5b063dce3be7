import type { AppointmentStatus } from '../booking/store.ts';
import type { Channel, CompanionRole } from '../catalog/types.ts';
import type { Db } from '../db/database.ts';
import type { AdmissionStore } from './rooms.ts';
import type { DeviceParts } from '@digitale-balie/contract';

/** The part of an appointment a meeting needs. */
export interface MeetingRow {
  id: string;
  serviceId: string;
  staffId: string;
  channel: Channel;
  status: AppointmentStatus;
  startAt: string;
  endAt: string;
  citizenName: string;
  callStartedAt: string | null;
  callEndedAt: string | null;
  nextSteps: string | null;
  feedbackGiven: number;
  prefersText: number;
}

const columns = `id, service_id AS serviceId, staff_id AS staffId, channel, status, start_at AS startAt, end_at AS endAt,
  citizen_name AS citizenName, call_started_at AS callStartedAt, call_ended_at AS callEndedAt, next_steps AS nextSteps,
  feedback_given AS feedbackGiven, prefers_text AS prefersText`;

/** SQL for meetings: reads of the appointment, and the call facts the agenda and dashboard read. */
export function meetingStore(db: Db) {
  const s = {
    byId: db.prepare<[string], MeetingRow>(`SELECT ${columns} FROM appointments WHERE id = ?`),
    companion: db.prepare<[string, string], { name: string; role: CompanionRole }>(
      'SELECT name, role FROM companions WHERE id = ? AND appointment_id = ? AND removed_at IS NULL',
    ),
    staffName: db.prepare<[string], string>('SELECT name FROM staff WHERE id = ? AND active = 1').pluck(),
    setWaitingSince: db.prepare(
      'UPDATE appointments SET waiting_since = CASE WHEN @waiting THEN COALESCE(waiting_since, @at) ELSE NULL END WHERE id = @id',
    ),
    callStarted: db.prepare('UPDATE appointments SET call_started_at = ? WHERE id = ? AND call_started_at IS NULL'),
    end: db.prepare(
      `UPDATE appointments SET status = CASE WHEN status = 'booked' THEN 'held' ELSE status END,
         held_at = CASE WHEN status = 'booked' THEN @at ELSE held_at END,
         call_ended_at = @at, waiting_since = NULL, next_steps = COALESCE(@nextSteps, next_steps), updated_by = @by
       WHERE id = @id AND call_ended_at IS NULL AND status IN ('booked', 'held')`,
    ),
    deviceCheck: db.prepare(
      'UPDATE appointments SET device_check = ?, device_check_audio_only = ?, device_check_parts = ?, device_check_at = ? WHERE id = ?',
    ),
    claimFeedback: db.prepare('UPDATE appointments SET feedback_given = 1 WHERE id = ? AND feedback_given = 0'),
    insertFeedback: db.prepare('INSERT INTO feedback (service_id, score, comment, created_at) VALUES (?, ?, ?, ?)'),
    admitted: db.prepare<[string], string>('SELECT holder FROM meeting_admissions WHERE appointment_id = ?').pluck(),
    admit: db.prepare('INSERT OR IGNORE INTO meeting_admissions (appointment_id, holder) VALUES (?, ?)'),
    unadmit: db.prepare('DELETE FROM meeting_admissions WHERE appointment_id = ? AND holder = ?'),
    forgetAdmissions: db.prepare('DELETE FROM meeting_admissions WHERE appointment_id = ?'),
    forgetClosedAdmissions: db.prepare(
      // Walks the few admission rows and looks each appointment up by key, not every appointment.
      'DELETE FROM meeting_admissions WHERE (SELECT end_at FROM appointments WHERE id = appointment_id) < ?',
    ),
  };

  const admissions: AdmissionStore = {
    holders: (appointmentId) => s.admitted.all(appointmentId),
    add: db.transaction((appointmentId: string, holders: string[]) => {
      for (const holder of holders) s.admit.run(appointmentId, holder);
    }),
    remove: (appointmentId, holder) => void s.unadmit.run(appointmentId, holder),
    forget: (appointmentId) => void s.forgetAdmissions.run(appointmentId),
  };
  /** Admissions of meetings that can no longer be joined (they ended before `endedBefore`, unclosed). */
  const forgetClosedAdmissions = (endedBefore: string) => s.forgetClosedAdmissions.run(endedBefore).changes;

  return {
    admissions,
    forgetClosedAdmissions,
    get: (id: string) => s.byId.get(id),
    companion: (appointmentId: string, companionId: string) => s.companion.get(companionId, appointmentId),
    staffName: (id: string) => s.staffName.get(id),
    setWaiting: (id: string, waiting: boolean, at: string) => void s.setWaitingSince.run({ id, waiting: waiting ? 1 : 0, at }),
    /** Keeps the first time: a call that drops and resumes is still one call. */
    markCallStarted: (id: string, at: string) => s.callStarted.run(at, id).changes === 1,
    /** Ends the call and marks the appointment held; false when it had ended already or is not open. */
    end: (id: string, at: string, by: string, nextSteps: string | null) => s.end.run({ id, at, by, nextSteps }).changes === 1,
    /** `parts` as JSON; null from a widget that reported the result only. */
    recordDeviceCheck: (id: string, result: 'passed' | 'failed', audioOnly: boolean, parts: DeviceParts | null, at: string) =>
      void s.deviceCheck.run(result, audioOnly ? 1 : 0, parts ? JSON.stringify(parts) : null, at, id),
    /**
     * Stores a score once per appointment. The feedback row carries no appointment id and only the
     * day, so neither the row nor its time links it to a person; the appointment keeps a flag.
     */
    addFeedback: db.transaction((id: string, entry: { serviceId: string; score: number; comment: string | null; day: string }) => {
      if (s.claimFeedback.run(id).changes !== 1) return false;
      s.insertFeedback.run(entry.serviceId, entry.score, entry.comment, entry.day);
      return true;
    }),
  };
}

export type MeetingStore = ReturnType<typeof meetingStore>;
