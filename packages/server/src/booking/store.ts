import { sql } from 'kysely';
import { isConflict, type Db } from '../db/database.ts';
import type { Channel, CompanionRole, Lang } from '../catalog/types.ts';

export type AppointmentStatus = 'booked' | 'cancelled' | 'held' | 'no_show';

export interface Appointment {
  id: string;
  serviceId: string;
  staffId: string;
  channel: Channel;
  locationId: string | null;
  startAt: string;
  endAt: string;
  status: AppointmentStatus;
  citizenName: string;
  /** '' when staff booked for a citizen without e-mail: the personal link then goes by SMS. */
  citizenEmail: string;
  /** In international form (+32470123456); the number staff call for a phone appointment. */
  citizenPhone: string | null;
  lang: Lang;
  intake: Record<string, string>;
  /** The host page's own data (balie-booking-requested): case number, payment reference… */
  metadata: Record<string, string>;
  returnUrl: string;
  tokenNonce: string;
  tokenHash: string;
  consentAt: string;
  createdAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  /** The staff member who booked it for the citizen (by phone, a follow-up); null when the citizen did. */
  bookedBy: string | null;
  /** The calendar event's SEQUENCE (RFC 5545 §3.8.7.4): 0 when booked, raised by each move and the cancellation. */
  calendarSequence: number;
}

export interface Companion {
  id: string;
  appointmentId: string;
  name: string;
  email: string;
  role: CompanionRole;
  tokenNonce: string;
  tokenHash: string;
  createdAt: string;
  removedAt: string | null;
}

/** A reminder to schedule: how long before the start, and when that is. */
export type DueReminder = { offsetMin: number; dueAt: string };

export interface Reminder {
  id: number;
  appointmentId: string;
  offsetMin: number;
  dueAt: string;
}

const appointmentColumns = [
  'id',
  'service_id as serviceId',
  'staff_id as staffId',
  'channel',
  'location_id as locationId',
  'start_at as startAt',
  'end_at as endAt',
  'status',
  'citizen_name as citizenName',
  'citizen_email as citizenEmail',
  'citizen_phone as citizenPhone',
  'lang',
  'intake',
  'metadata',
  'return_url as returnUrl',
  'token_nonce as tokenNonce',
  'token_hash as tokenHash',
  'consent_at as consentAt',
  'created_at as createdAt',
  'cancelled_at as cancelledAt',
  'cancelled_by as cancelledBy',
  'booked_by as bookedBy',
  'calendar_sequence as calendarSequence',
] as const;

const companionColumns = [
  'id',
  'appointment_id as appointmentId',
  'name',
  'email',
  'role',
  'token_nonce as tokenNonce',
  'token_hash as tokenHash',
  'created_at as createdAt',
  'removed_at as removedAt',
] as const;

type AppointmentRow = Omit<Appointment, 'intake' | 'metadata'> & { intake: string; metadata: string };
const toAppointment = (row: AppointmentRow | undefined): Appointment | undefined =>
  row && { ...row, intake: JSON.parse(row.intake), metadata: JSON.parse(row.metadata) };

/** The slot was claimed by someone else first (a unique violation on either database). */
export { isConflict };

export function bookingStore(db: Db) {
  const appointments = () => db.q.selectFrom('appointments').select(appointmentColumns).$castTo<AppointmentRow>();
  const companions = () => db.q.selectFrom('companions').select(companionColumns).$castTo<Companion>();
  const releaseClaims = (id: string) => db.q.deleteFrom('slot_claims').where('appointment_id', '=', id).execute();
  const dropUnsentReminders = (id: string) =>
    db.q.deleteFrom('reminders').where('appointment_id', '=', id).where('sent_at', 'is', null).execute();

  /** Inserts the units in one go; throws a constraint error when any is taken. */
  const claimUnits = async (staffId: string, units: string[], appointmentId: string) => {
    if (!units.length) return;
    await db.q
      .insertInto('slot_claims')
      .values(units.map((unit) => ({ staff_id: staffId, unit_at: unit, appointment_id: appointmentId })))
      .execute();
  };
  const addReminders = async (appointmentId: string, reminders: DueReminder[]) => {
    if (!reminders.length) return;
    await db.q
      .insertInto('reminders')
      .values(reminders.map((r) => ({ appointment_id: appointmentId, offset_min: r.offsetMin, due_at: r.dueAt })))
      .onConflict((oc) => oc.columns(['appointment_id', 'offset_min']).doNothing())
      .execute();
  };
  /** Replaces the reminders still to send. */
  const replaceReminders = async (appointmentId: string, reminders: DueReminder[]) => {
    await dropUnsentReminders(appointmentId);
    await addReminders(appointmentId, reminders);
  };
  const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

  return {
    /** The database, for the mail outbox that shares this store's transactions. */
    db,
    /** Runs `change` in one transaction (joining the one it runs in, if any). */
    transaction: <T>(change: () => Promise<T>): Promise<T> => db.transaction(change),
    /**
     * Atomically writes the appointment, claims its time and schedules its reminders; throws on a
     * conflicting claim. One transaction, so a crash never leaves a booking without its reminders.
     * Inside another transaction it runs in a savepoint: a conflict undoes only this attempt.
     */
    create: (
      appointment: Omit<Appointment, 'status' | 'cancelledAt' | 'cancelledBy' | 'calendarSequence'>,
      units: string[],
      reminders: DueReminder[] = [],
    ): Promise<void> =>
      db.savepoint(async () => {
        await db.q
          .insertInto('appointments')
          .values({
            id: appointment.id,
            service_id: appointment.serviceId,
            staff_id: appointment.staffId,
            channel: appointment.channel,
            location_id: appointment.locationId,
            start_at: appointment.startAt,
            end_at: appointment.endAt,
            status: 'booked',
            citizen_name: appointment.citizenName,
            citizen_email: appointment.citizenEmail,
            citizen_phone: appointment.citizenPhone,
            lang: appointment.lang,
            intake: JSON.stringify(appointment.intake),
            metadata: JSON.stringify(appointment.metadata),
            return_url: appointment.returnUrl,
            token_nonce: appointment.tokenNonce,
            token_hash: appointment.tokenHash,
            consent_at: appointment.consentAt,
            created_at: appointment.createdAt,
            booked_by: appointment.bookedBy,
          })
          .execute();
        await claimUnits(appointment.staffId, units, appointment.id);
        // A new appointment has no reminders to replace: one statement less per booking.
        await addReminders(appointment.id, reminders);
      }),
    /**
     * Frees the old time, claims the new one and, when given, replaces the unsent reminders: all or
     * nothing (a savepoint inside another transaction, so a conflict undoes only this attempt).
     */
    move: (
      id: string,
      to: { startAt: string; endAt: string; staffId: string; channel: Channel; locationId: string | null },
      units: string[],
      reminders?: DueReminder[],
    ): Promise<void> =>
      db.savepoint(async () => {
        await releaseClaims(id);
        await claimUnits(to.staffId, units, id);
        await db.q
          .updateTable('appointments')
          .set((eb) => ({
            start_at: to.startAt,
            end_at: to.endAt,
            staff_id: to.staffId,
            channel: to.channel,
            location_id: to.locationId,
            calendar_sequence: eb('calendar_sequence', '+', 1),
          }))
          .where('id', '=', id)
          .execute();
        if (reminders) await replaceReminders(id, reminders);
      }),
    /**
     * A video appointment becomes a phone call-back at the same time with the same staff member: the
     * claims stay, since phone uses the video hours. False when it is no longer a booked video one.
     */
    switchVideoToPhone: async (id: string, phone: string) =>
      changed(
        await db.q
          .updateTable('appointments')
          .set((eb) => ({ channel: 'phone', location_id: null, citizen_phone: phone, calendar_sequence: eb('calendar_sequence', '+', 1) }))
          .where('id', '=', id)
          .where('status', '=', 'booked')
          .where('channel', '=', 'video')
          .executeTakeFirst(),
      ),
    /** "Ik gebruik liever tekst" (issue 14): the call opens real-time text for everyone. */
    preferText: async (id: string) => {
      await db.q.updateTable('appointments').set({ prefers_text: 1 }).where('id', '=', id).execute();
    },
    prefersText: async (id: string) =>
      (await db.q.selectFrom('appointments').select('prefers_text').where('id', '=', id).executeTakeFirst())?.prefers_text === 1,
    cancel: (id: string, at: string, by: string): Promise<boolean> =>
      db.transaction(async () => {
        const cancelled = changed(
          await db.q
            .updateTable('appointments')
            .set((eb) => ({ status: 'cancelled', cancelled_at: at, cancelled_by: by, calendar_sequence: eb('calendar_sequence', '+', 1) }))
            .where('id', '=', id)
            .where('status', '=', 'booked')
            .executeTakeFirst(),
        );
        if (cancelled) {
          await releaseClaims(id);
          await dropUnsentReminders(id);
        }
        return cancelled;
      }),
    get: async (id: string) => toAppointment(await appointments().where('id', '=', id).executeTakeFirst()),
    findByTokenHash: async (hash: string) => toAppointment(await appointments().where('token_hash', '=', hash).executeTakeFirst()),
    /** The first still-booked follow-up staff planned from this appointment. */
    nextFollowUp: async (id: string) =>
      toAppointment(
        await appointments().where('follow_up_of', '=', id).where('status', '=', 'booked').orderBy('start_at').limit(1).executeTakeFirst(),
      ),
    listBetween: async (fromIso: string, toIso: string) =>
      (await appointments().where('start_at', '>=', fromIso).where('start_at', '<', toIso).orderBy('start_at').execute()).map(
        (r) => toAppointment(r)!,
      ),
    async claimsBetween(fromIso: string, toIso: string): Promise<Map<string, Set<string>>> {
      const rows = await db.q
        .selectFrom('slot_claims')
        .select(['staff_id as staffId', 'unit_at as unitAt'])
        .where('unit_at', '>=', fromIso)
        .where('unit_at', '<', toIso)
        .execute();
      const claimed = new Map<string, Set<string>>();
      for (const { staffId, unitAt } of rows) {
        let set = claimed.get(staffId);
        if (!set) claimed.set(staffId, (set = new Set()));
        set.add(unitAt);
      }
      return claimed;
    },
    addCompanion: async (companion: Omit<Companion, 'removedAt'>) => {
      await db.q
        .insertInto('companions')
        .values({
          id: companion.id,
          appointment_id: companion.appointmentId,
          name: companion.name,
          email: companion.email,
          role: companion.role,
          token_nonce: companion.tokenNonce,
          token_hash: companion.tokenHash,
          created_at: companion.createdAt,
        })
        .execute();
    },
    listCompanions: (appointmentId: string) =>
      companions().where('appointment_id', '=', appointmentId).where('removed_at', 'is', null).orderBy('created_at').execute(),
    findCompanionByTokenHash: (hash: string) =>
      companions().where('token_hash', '=', hash).where('removed_at', 'is', null).executeTakeFirst(),
    removeCompanion: async (appointmentId: string, companionId: string, at: string) =>
      changed(
        await db.q
          .updateTable('companions')
          .set({ removed_at: at })
          .where('id', '=', companionId)
          .where('appointment_id', '=', appointmentId)
          .where('removed_at', 'is', null)
          .executeTakeFirst(),
      ),
    /** Counts one invitation mail for the appointment; false when `max` were sent already (the count never goes down). */
    countInvitation: async (appointmentId: string, max: number) =>
      changed(
        await db.q
          .updateTable('appointments')
          .set((eb) => ({ companion_invitations: eb('companion_invitations', '+', 1) }))
          .where('id', '=', appointmentId)
          .where('companion_invitations', '<', max)
          .executeTakeFirst(),
      ),
    /**
     * Makes transactions that book for this e-mail address (any case) wait for each other until they
     * commit, so two bookings at once cannot both take its last place. SQLite runs one transaction at
     * a time anyway; PostgreSQL takes a transaction-level advisory lock (the namespace keeps it apart
     * from the uploads' `tus:` locks).
     */
    lockEmail: async (email: string) => {
      if (db.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(lower(${`booking-cap:${email}`})))`.execute(db.q);
    },
    /**
     * Booked appointments of this e-mail address (any case) that end after `nowIso`. Matches the
     * index on lower(citizen_email) for booked appointments.
     */
    countBookedAhead: async (email: string, nowIso: string) => {
      const row = await db.q
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(sql<string>`lower(citizen_email)`, '=', sql<string>`lower(${email})`)
        .where('status', '=', 'booked')
        .where('end_at', '>', nowIso)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Reminders due and not yet sent, except those whose queuing failed `maxAttempts` times. */
    dueReminders: (nowIso: string, maxAttempts: number): Promise<Reminder[]> =>
      db.q
        .selectFrom('reminders')
        .select(['id', 'appointment_id as appointmentId', 'offset_min as offsetMin', 'due_at as dueAt'])
        .where('sent_at', 'is', null)
        .where('due_at', '<=', nowIso)
        .where('attempts', '<', maxAttempts)
        .orderBy('due_at')
        .execute(),
    /**
     * Marks a reminder sent unless it is already: true for the one caller (of all instances) that
     * got it. Call inside the transaction that queues its mails, so it is marked exactly when they are
     * queued. On PostgreSQL a second instance's update waits for the first one's commit and then
     * finds `sent_at` set; SQLite runs one writer at a time.
     */
    claimReminder: async (id: number, atIso: string): Promise<boolean> => {
      const result = await db.q
        .updateTable('reminders')
        .set((eb) => ({ sent_at: atIso, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Counts a failed attempt; a later tick tries again. */
    reminderFailed: async (id: number) => {
      await db.q
        .updateTable('reminders')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },
    /** Moves on any change to services, staff, opening hours, closures or locations (triggers, migration 6). */
    catalogVersion: async () => (await db.q.selectFrom('catalog_version').select('version').executeTakeFirstOrThrow()).version,
    /** Differs after any write to the database, by this process or another one (for caches). */
    dataVersion: (): string => db.dataVersion(),
    /**
     * `dataVersion` where it is exact at once: SQLite's moves with every write of this process and
     * every commit of another connection. Undefined on PostgreSQL, whose other instances are heard late.
     */
    exactDataVersion: db.dialect === 'sqlite' ? (): string => db.dataVersion() : undefined,
  };
}

export type BookingStore = ReturnType<typeof bookingStore>;
