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

const columns = [
  'id',
  'service_id as serviceId',
  'staff_id as staffId',
  'channel',
  'status',
  'start_at as startAt',
  'end_at as endAt',
  'citizen_name as citizenName',
  'call_started_at as callStartedAt',
  'call_ended_at as callEndedAt',
  'next_steps as nextSteps',
  'feedback_given as feedbackGiven',
  'prefers_text as prefersText',
] as const;

/** SQL for meetings: reads of the appointment, and the call facts the agenda and dashboard read. */
export function meetingStore(db: Db) {
  const admissions: AdmissionStore = {
    holders: async (appointmentId) =>
      (await db.q.selectFrom('meeting_admissions').select('holder').where('appointment_id', '=', appointmentId).execute()).map((r) => r.holder),
    add: async (appointmentId, holders) => {
      if (!holders.length) return;
      await db.q
        .insertInto('meeting_admissions')
        .values(holders.map((holder) => ({ appointment_id: appointmentId, holder })))
        .onConflict((oc) => oc.columns(['appointment_id', 'holder']).doNothing())
        .execute();
    },
    remove: async (appointmentId, holder) => {
      await db.q.deleteFrom('meeting_admissions').where('appointment_id', '=', appointmentId).where('holder', '=', holder).execute();
    },
    forget: async (appointmentId) => {
      await db.q.deleteFrom('meeting_admissions').where('appointment_id', '=', appointmentId).execute();
    },
  };
  /** Admissions of meetings that can no longer be joined (they ended before `endedBefore`, unclosed). */
  const forgetClosedAdmissions = async (endedBefore: string) => {
    const result = await db.q
      .deleteFrom('meeting_admissions')
      // Walks the few admission rows and looks each appointment up by key, not every appointment.
      .where((eb) => eb(eb.selectFrom('appointments').select('end_at').whereRef('appointments.id', '=', 'meeting_admissions.appointment_id'), '<', endedBefore))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };
  const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

  return {
    admissions,
    forgetClosedAdmissions,
    get: (id: string) => db.q.selectFrom('appointments').select(columns).where('id', '=', id).$castTo<MeetingRow>().executeTakeFirst(),
    companion: (appointmentId: string, companionId: string) =>
      db.q
        .selectFrom('companions')
        .select(['name', 'role'])
        .where('id', '=', companionId)
        .where('appointment_id', '=', appointmentId)
        .where('removed_at', 'is', null)
        .$castTo<{ name: string; role: CompanionRole }>()
        .executeTakeFirst(),
    staffName: async (id: string) =>
      (await db.q.selectFrom('staff').select('name').where('id', '=', id).where('active', '=', 1).executeTakeFirst())?.name,
    setWaiting: async (id: string, waiting: boolean, at: string) => {
      await db.q
        .updateTable('appointments')
        .set((eb) => ({ waiting_since: waiting ? eb.fn.coalesce('waiting_since', eb.val(at)) : null }))
        .where('id', '=', id)
        .execute();
    },
    /** Keeps the first time: a call that drops and resumes is still one call. */
    markCallStarted: async (id: string, at: string) =>
      changed(await db.q.updateTable('appointments').set({ call_started_at: at }).where('id', '=', id).where('call_started_at', 'is', null).executeTakeFirst()),
    /** Ends the call and marks the appointment held; false when it had ended already or is not open. */
    end: async (id: string, at: string, by: string, nextSteps: string | null) =>
      changed(
        await db.q
          .updateTable('appointments')
          .set((eb) => ({
            status: eb.case().when('status', '=', 'booked').then('held').else(eb.ref('status')).end(),
            held_at: eb.case().when('status', '=', 'booked').then(at).else(eb.ref('held_at')).end(),
            call_ended_at: at,
            waiting_since: null,
            next_steps: nextSteps === null ? eb.ref('next_steps') : nextSteps,
            updated_by: by,
          }))
          .where('id', '=', id)
          .where('call_ended_at', 'is', null)
          .where('status', 'in', ['booked', 'held'])
          .executeTakeFirst(),
      ),
    /** `parts` as JSON; null from a widget that reported the result only. */
    recordDeviceCheck: async (id: string, result: 'passed' | 'failed', audioOnly: boolean, parts: DeviceParts | null, at: string) => {
      await db.q
        .updateTable('appointments')
        .set({ device_check: result, device_check_audio_only: audioOnly ? 1 : 0, device_check_parts: parts ? JSON.stringify(parts) : null, device_check_at: at })
        .where('id', '=', id)
        .execute();
    },
    /**
     * Stores a score once per appointment. The feedback row carries no appointment id and only the
     * day, so neither the row nor its time links it to a person; the appointment keeps a flag.
     */
    addFeedback: (id: string, entry: { serviceId: string; score: number; comment: string | null; day: string }) =>
      db.transaction(async () => {
        const claimed = await db.q.updateTable('appointments').set({ feedback_given: 1 }).where('id', '=', id).where('feedback_given', '=', 0).executeTakeFirst();
        if (!changed(claimed)) return false;
        await db.q.insertInto('feedback').values({ service_id: entry.serviceId, score: entry.score, comment: entry.comment, created_at: entry.day }).execute();
        return true;
      }),
  };
}

export type MeetingStore = ReturnType<typeof meetingStore>;
