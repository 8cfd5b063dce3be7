import type { Db } from '../db/database.ts';
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

const appointmentColumns = `id, service_id AS serviceId, staff_id AS staffId, channel, location_id AS locationId,
  start_at AS startAt, end_at AS endAt, status, citizen_name AS citizenName, citizen_email AS citizenEmail,
  citizen_phone AS citizenPhone, lang, intake, metadata, return_url AS returnUrl, token_nonce AS tokenNonce,
  token_hash AS tokenHash, consent_at AS consentAt, created_at AS createdAt, cancelled_at AS cancelledAt,
  cancelled_by AS cancelledBy, booked_by AS bookedBy, calendar_sequence AS calendarSequence`;

const companionColumns = `id, appointment_id AS appointmentId, name, email, role, token_nonce AS tokenNonce,
  token_hash AS tokenHash, created_at AS createdAt, removed_at AS removedAt`;

type AppointmentRow = Omit<Appointment, 'intake' | 'metadata'> & { intake: string; metadata: string };
const toAppointment = (row: AppointmentRow | undefined): Appointment | undefined =>
  row && { ...row, intake: JSON.parse(row.intake), metadata: JSON.parse(row.metadata) };

/** True for SQLite's primary-key/unique violations: the slot was claimed by someone else first. */
export const isConflict = (error: unknown) =>
  typeof (error as { code?: string })?.code === 'string' &&
  /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test((error as { code: string }).code);

export function bookingStore(db: Db) {
  const s = {
    insertAppointment: db.prepare(
      `INSERT INTO appointments (id, service_id, staff_id, channel, location_id, start_at, end_at, status,
         citizen_name, citizen_email, citizen_phone, lang, intake, metadata, return_url, token_nonce, token_hash, consent_at, created_at, booked_by)
       VALUES (@id, @serviceId, @staffId, @channel, @locationId, @startAt, @endAt, 'booked', @citizenName, @citizenEmail,
         @citizenPhone, @lang, @intake, @metadata, @returnUrl, @tokenNonce, @tokenHash, @consentAt, @createdAt, @bookedBy)`,
    ),
    preferText: db.prepare('UPDATE appointments SET prefers_text = 1 WHERE id = ?'),
    prefersText: db.prepare<[string], number>('SELECT prefers_text FROM appointments WHERE id = ?').pluck(),
    claim: db.prepare('INSERT INTO slot_claims (staff_id, unit_at, appointment_id) VALUES (?, ?, ?)'),
    releaseClaims: db.prepare('DELETE FROM slot_claims WHERE appointment_id = ?'),
    claimsBetween: db.prepare<[string, string], { staffId: string; unitAt: string }>(
      'SELECT staff_id AS staffId, unit_at AS unitAt FROM slot_claims WHERE unit_at >= ? AND unit_at < ?',
    ),
    byId: db.prepare<[string], AppointmentRow>(`SELECT ${appointmentColumns} FROM appointments WHERE id = ?`),
    byTokenHash: db.prepare<[string], AppointmentRow>(`SELECT ${appointmentColumns} FROM appointments WHERE token_hash = ?`),
    nextFollowUp: db.prepare<[string], AppointmentRow>(
      `SELECT ${appointmentColumns} FROM appointments WHERE follow_up_of = ? AND status = 'booked' ORDER BY start_at LIMIT 1`,
    ),
    between: db.prepare<[string, string], AppointmentRow>(
      `SELECT ${appointmentColumns} FROM appointments WHERE start_at >= ? AND start_at < ? ORDER BY start_at`,
    ),
    cancel: db.prepare(
      "UPDATE appointments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, calendar_sequence = calendar_sequence + 1 WHERE id = ? AND status = 'booked'",
    ),
    move: db.prepare(
      `UPDATE appointments SET start_at = @startAt, end_at = @endAt, staff_id = @staffId, channel = @channel, location_id = @locationId,
         calendar_sequence = calendar_sequence + 1 WHERE id = @id`,
    ),
    toPhone: db.prepare(
      `UPDATE appointments SET channel = 'phone', location_id = NULL, citizen_phone = @phone,
         calendar_sequence = calendar_sequence + 1 WHERE id = @id AND status = 'booked' AND channel = 'video'`,
    ),
    insertCompanion: db.prepare(
      `INSERT INTO companions (id, appointment_id, name, email, role, token_nonce, token_hash, created_at)
       VALUES (@id, @appointmentId, @name, @email, @role, @tokenNonce, @tokenHash, @createdAt)`,
    ),
    companions: db.prepare<[string], Companion>(
      `SELECT ${companionColumns} FROM companions WHERE appointment_id = ? AND removed_at IS NULL ORDER BY created_at`,
    ),
    companionByTokenHash: db.prepare<[string], Companion>(
      `SELECT ${companionColumns} FROM companions WHERE token_hash = ? AND removed_at IS NULL`,
    ),
    removeCompanion: db.prepare('UPDATE companions SET removed_at = ? WHERE id = ? AND appointment_id = ? AND removed_at IS NULL'),
    countInvitation: db.prepare(
      'UPDATE appointments SET companion_invitations = companion_invitations + 1 WHERE id = ? AND companion_invitations < ?',
    ),
    // Matches the partial index of migration 10 (same collation, same status).
    bookedAhead: db.prepare<[string, string], number>(
      "SELECT count(*) FROM appointments WHERE citizen_email = ? COLLATE NOCASE AND status = 'booked' AND end_at > ?",
    ).pluck(),
    insertReminder: db.prepare('INSERT OR IGNORE INTO reminders (appointment_id, offset_min, due_at) VALUES (?, ?, ?)'),
    dropUnsentReminders: db.prepare('DELETE FROM reminders WHERE appointment_id = ? AND sent_at IS NULL'),
    dueReminders: db.prepare<[string, number], Reminder>(
      `SELECT id, appointment_id AS appointmentId, offset_min AS offsetMin, due_at AS dueAt FROM reminders
       WHERE sent_at IS NULL AND due_at <= ? AND attempts < ? ORDER BY due_at`,
    ),
    reminderSent: db.prepare('UPDATE reminders SET sent_at = ?, attempts = attempts + 1 WHERE id = ?'),
    reminderFailed: db.prepare('UPDATE reminders SET attempts = attempts + 1 WHERE id = ?'),
    catalogVersion: db.prepare<[], number>('SELECT version FROM catalog_version').pluck(),
    // total_changes() counts this connection's writes, data_version moves on other connections' commits.
    dataVersion: db.prepare<[], { own: number; others: number }>(
      'SELECT total_changes() AS own, data_version AS others FROM pragma_data_version',
    ),
  };

  /** Inserts the units in one go; throws a constraint error when any is taken. */
  const claimUnits = (staffId: string, units: string[], appointmentId: string) => {
    for (const unit of units) s.claim.run(staffId, unit, appointmentId);
  };
  /** Replaces the reminders still to send. */
  const replaceReminders = (appointmentId: string, reminders: DueReminder[]) => {
    s.dropUnsentReminders.run(appointmentId);
    for (const r of reminders) s.insertReminder.run(appointmentId, r.offsetMin, r.dueAt);
  };

  return {
    /** The connection, for the mail outbox that shares this store's transactions. */
    db,
    /** Runs `change` in one transaction (a savepoint inside another one). */
    transaction: <T>(change: () => T): T => db.transaction(change)(),
    /**
     * Atomically writes the appointment, claims its time and schedules its reminders; throws on a
     * conflicting claim. One transaction, so a crash never leaves a booking without its reminders.
     */
    create: db.transaction((appointment: Omit<Appointment, 'status' | 'cancelledAt' | 'cancelledBy' | 'calendarSequence'>, units: string[], reminders: DueReminder[] = []) => {
      s.insertAppointment.run({ ...appointment, intake: JSON.stringify(appointment.intake), metadata: JSON.stringify(appointment.metadata) });
      claimUnits(appointment.staffId, units, appointment.id);
      replaceReminders(appointment.id, reminders);
    }),
    /** Frees the old time, claims the new one and, when given, replaces the unsent reminders: all or nothing. */
    move: db.transaction(
      (
        id: string,
        to: { startAt: string; endAt: string; staffId: string; channel: Channel; locationId: string | null },
        units: string[],
        reminders?: DueReminder[],
      ) => {
        s.releaseClaims.run(id);
        claimUnits(to.staffId, units, id);
        s.move.run({ id, ...to });
        if (reminders) replaceReminders(id, reminders);
      },
    ),
    /**
     * A video appointment becomes a phone call-back at the same time with the same staff member: the
     * claims stay, since phone uses the video hours. False when it is no longer a booked video one.
     */
    switchVideoToPhone: (id: string, phone: string) => s.toPhone.run({ id, phone }).changes === 1,
    /** "Ik gebruik liever tekst" (issue 14): the call opens real-time text for everyone. */
    preferText: (id: string) => void s.preferText.run(id),
    prefersText: (id: string) => s.prefersText.get(id) === 1,
    cancel: db.transaction((id: string, at: string, by: string): boolean => {
      const changed = s.cancel.run(at, by, id).changes === 1;
      if (changed) {
        s.releaseClaims.run(id);
        s.dropUnsentReminders.run(id);
      }
      return changed;
    }),
    get: (id: string) => toAppointment(s.byId.get(id)),
    findByTokenHash: (hash: string) => toAppointment(s.byTokenHash.get(hash)),
    /** The first still-booked follow-up staff planned from this appointment. */
    nextFollowUp: (id: string) => toAppointment(s.nextFollowUp.get(id)),
    listBetween: (fromIso: string, toIso: string) => s.between.all(fromIso, toIso).map((r) => toAppointment(r)!),
    claimsBetween(fromIso: string, toIso: string): Map<string, Set<string>> {
      const claimed = new Map<string, Set<string>>();
      for (const { staffId, unitAt } of s.claimsBetween.all(fromIso, toIso)) {
        let set = claimed.get(staffId);
        if (!set) claimed.set(staffId, (set = new Set()));
        set.add(unitAt);
      }
      return claimed;
    },
    addCompanion: (companion: Omit<Companion, 'removedAt'>) => void s.insertCompanion.run(companion),
    listCompanions: (appointmentId: string) => s.companions.all(appointmentId),
    findCompanionByTokenHash: (hash: string) => s.companionByTokenHash.get(hash),
    removeCompanion: (appointmentId: string, companionId: string, at: string) =>
      s.removeCompanion.run(at, companionId, appointmentId).changes === 1,
    /** Counts one invitation mail for the appointment; false when `max` were sent already (the count never goes down). */
    countInvitation: (appointmentId: string, max: number) => s.countInvitation.run(appointmentId, max).changes === 1,
    /** Booked appointments of this e-mail address (any case) that end after `nowIso`. */
    countBookedAhead: (email: string, nowIso: string) => s.bookedAhead.get(email, nowIso)!,
    /** Reminders due and not yet sent, except those that failed `maxAttempts` times. */
    dueReminders: (nowIso: string, maxAttempts: number) => s.dueReminders.all(nowIso, maxAttempts),
    /** Marked only once its mails are out: a crash before this sends it again (see sendDueReminders). */
    reminderSent: (id: number, atIso: string) => void s.reminderSent.run(atIso, id),
    /** Counts a failed attempt; a later tick tries again. */
    reminderFailed: (id: number) => void s.reminderFailed.run(id),
    /** Moves on any change to services, staff, opening hours, closures or locations (triggers, migration 6). */
    catalogVersion: () => s.catalogVersion.get()!,
    /** Differs after any write to the database, by this process or another one (for caches). */
    dataVersion(): string {
      const { own, others } = s.dataVersion.get()!;
      return `${own}:${others}`;
    },
  };
}

export type BookingStore = ReturnType<typeof bookingStore>;
