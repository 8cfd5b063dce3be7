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
  documentsUploaded: Number(row.documentsUploaded),
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
  const appointments = () =>
    db.q
      .selectFrom('appointments as a')
      .innerJoin('staff as st', 'st.id', 'a.staff_id')
      .leftJoin('staff as bb', 'bb.id', 'a.booked_by')
      .select((eb) => [
        'a.id',
        'a.service_id as serviceId',
        'a.staff_id as staffId',
        'st.name as staffName',
        'a.channel',
        'a.location_id as locationId',
        'a.start_at as startAt',
        'a.end_at as endAt',
        'a.status',
        'a.citizen_name as citizenName',
        eb.case().when('a.channel', '=', 'phone').then(eb.ref('a.citizen_phone')).end().as('callPhone'),
        'a.booked_by as bookedById',
        'bb.name as bookedByName',
        'a.lang',
        'a.intake',
        'a.metadata',
        'a.device_check as deviceCheck',
        'a.device_check_parts as deviceCheckParts',
        'a.device_check_at as deviceCheckAt',
        'a.device_fallback as deviceFallback',
        'a.prefers_text as prefersText',
        'a.waiting_since as waitingSince',
        eb
          .selectFrom('documents as d')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('d.appointment_id', '=', 'a.id')
          .where('d.uploaded_by', '!=', 'staff')
          .where('d.completed_at', 'is not', null)
          .where('d.deleted_at', 'is', null)
          .as('documentsUploaded'),
        'a.notes',
        'a.next_steps as nextSteps',
        'a.created_at as createdAt',
        'a.cancelled_at as cancelledAt',
        'a.cancelled_by as cancelledBy',
        'a.held_at as heldAt',
        'a.no_show_at as noShowAt',
        'a.follow_up_of as followUpOf',
      ])
      .$castTo<Row>();
  /** Sets the outcome while the appointment is still booked; true when it was. */
  const markOutcome = async (id: string, status: 'held' | 'no_show', at: string, by: string) => {
    const result = await db.q
      .updateTable('appointments')
      .set(status === 'held' ? { status, held_at: at, updated_by: by } : { status, no_show_at: at, updated_by: by })
      .where('id', '=', id)
      .where('status', '=', 'booked')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  };

  return {
    between: async (q: { from: string; to: string; staffId: string | null; withCancelled: boolean }) =>
      (
        await appointments()
          .where('a.start_at', '>=', q.from)
          .where('a.start_at', '<', q.to)
          .$if(q.staffId !== null, (qb) => qb.where('a.staff_id', '=', q.staffId!))
          .$if(!q.withCancelled, (qb) => qb.where('a.status', '!=', 'cancelled'))
          .orderBy('a.start_at')
          .orderBy('a.id')
          .execute()
      ).map(toRow),
    async get(id: string): Promise<StaffAppointmentRow | undefined> {
      const row = await appointments().where('a.id', '=', id).executeTakeFirst();
      return row && toRow(row);
    },
    /** Booked appointments not yet over, optionally of one staff member or service. */
    futureBooked: async (now: string, filter: { staffId?: string | null; serviceId?: string | null } = {}) =>
      (
        await appointments()
          .where('a.status', '=', 'booked')
          .where('a.end_at', '>', now)
          .$if(filter.staffId != null, (qb) => qb.where('a.staff_id', '=', filter.staffId!))
          .$if(filter.serviceId != null, (qb) => qb.where('a.service_id', '=', filter.serviceId!))
          .orderBy('a.start_at')
          .execute()
      ).map(toRow),
    companions: (id: string) =>
      db.q
        .selectFrom('companions')
        .select(['name', 'role'])
        .where('appointment_id', '=', id)
        .where('removed_at', 'is', null)
        .orderBy('created_at')
        .$castTo<{ name: string; role: CompanionRole }>()
        .execute(),
    followUps: async (id: string) =>
      (await db.q.selectFrom('appointments').select('id').where('follow_up_of', '=', id).orderBy('start_at').execute()).map((r) => r.id!),
    async setNotes(id: string, by: string, patch: { notes?: string | null | undefined; nextSteps?: string | null | undefined }) {
      await db.q
        .updateTable('appointments')
        .set({
          ...(patch.notes === undefined ? {} : { notes: patch.notes }),
          ...(patch.nextSteps === undefined ? {} : { next_steps: patch.nextSteps }),
          updated_by: by,
        })
        .where('id', '=', id)
        .execute();
    },
    markHeld: (id: string, at: string, by: string) => markOutcome(id, 'held', at, by),
    markNoShow: (id: string, at: string, by: string) => markOutcome(id, 'no_show', at, by),
    async linkFollowUp(id: string, originalId: string) {
      await db.q.updateTable('appointments').set({ follow_up_of: originalId }).where('id', '=', id).execute();
    },
    dashboardRows: (fromIso: string, toIso: string) =>
      db.q
        .selectFrom('appointments')
        .select([
          'service_id as serviceId',
          'status',
          'created_at as createdAt',
          'start_at as startAt',
          'call_started_at as callStartedAt',
          'call_ended_at as callEndedAt',
        ])
        .where('start_at', '>=', fromIso)
        .where('start_at', '<', toIso)
        .$castTo<DashboardRow>()
        .execute(),
    feedbackScores: (fromIso: string, toIso: string) =>
      db.q
        .selectFrom('feedback')
        .select(['service_id as serviceId', 'score'])
        .where('created_at', '>=', fromIso)
        .where('created_at', '<', toIso)
        .execute(),
  };
}

export type StaffAppointmentsStore = ReturnType<typeof staffAppointmentsStore>;
