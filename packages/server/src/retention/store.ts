import type { ErasureRecord } from '@digitale-balie/contract';
import type { Db } from '../db/database.ts';

/**
 * The SQL of erasing an appointment's personal data. What stays on the row is what the impact
 * dashboard counts (service, staff member, channel, location, times, status, whether feedback was
 * given) and the ids other rows point at; everything a person wrote or that names them goes.
 */
const erasureColumns = `SELECT e.id, e.at, e.staff_id AS staffId, st.name AS staffName, e.appointments, e.companions, e.documents
  FROM privacy_erasures e LEFT JOIN staff st ON st.id = e.staff_id`;

export function retentionStore(db: Db) {
  const s = {
    /** Past the cut-off and not yet purged: ended before it, or cancelled before it. */
    due: db.prepare<{ cutOff: string; limit: number }, { id: string }>(
      `SELECT id FROM appointments
       WHERE purged_at IS NULL AND (end_at < @cutOff OR (status = 'cancelled' AND cancelled_at < @cutOff))
       ORDER BY end_at LIMIT @limit`,
    ),
    documentIds: db.prepare<[string], string>('SELECT id FROM documents WHERE appointment_id = ?').pluck(),
    companionEmails: db.prepare<[string], string>('SELECT email FROM companions WHERE appointment_id = ?').pluck(),
    isPurged: db.prepare<[string], string | null>('SELECT purged_at FROM appointments WHERE id = ?').pluck(),
    // A booked appointment still to come is erased on request: it is cancelled first, so its time is free again.
    cancelBooked: db.prepare(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = @at, cancelled_by = 'erasure', calendar_sequence = calendar_sequence + 1
       WHERE id = @id AND status = 'booked' AND end_at > @at`,
    ),
    deleteDocuments: db.prepare('DELETE FROM documents WHERE appointment_id = ?'),
    deleteCompanions: db.prepare('DELETE FROM companions WHERE appointment_id = ?'),
    deleteReminders: db.prepare('DELETE FROM reminders WHERE appointment_id = ?'),
    deleteClaims: db.prepare('DELETE FROM slot_claims WHERE appointment_id = ?'),
    deleteMails: db.prepare('DELETE FROM mail_outbox WHERE appointment_id = ?'),
    deleteAdmissions: db.prepare('DELETE FROM meeting_admissions WHERE appointment_id = ?'),
    // Webhook payloads carry the host page's metadata (a case number): pending, failed and delivered rows go.
    deleteWebhooks: db.prepare("DELETE FROM webhook_deliveries WHERE json_extract(payload, '$.data.appointmentId') = ?"),
    // token_hash is UNIQUE and NOT NULL: a value no token hashes to (hashes are hex) kills the link.
    blank: db.prepare(
      `UPDATE appointments SET citizen_name = '', citizen_email = '', citizen_phone = NULL, intake = '{}', metadata = '{}',
         return_url = '', token_nonce = '', token_hash = 'purged:' || id, notes = NULL, next_steps = NULL,
         waiting_since = NULL, prefers_text = 0, purged_at = @at
       WHERE id = @id`,
    ),
    /** Feedback is anonymous, but a comment is free text: past retention only the score stays. */
    blankComments: db.prepare('UPDATE feedback SET comment = NULL WHERE comment IS NOT NULL AND created_at < ?'),
    companion: db.prepare<[string], { id: string; appointmentId: string; email: string }>(
      'SELECT id, appointment_id AS appointmentId, email FROM companions WHERE id = ?',
    ),
    deleteCompanion: db.prepare('DELETE FROM companions WHERE id = ?'),
    deleteCompanionAdmission: db.prepare('DELETE FROM meeting_admissions WHERE appointment_id = ? AND holder = ?'),
    insertErasure: db.prepare(
      'INSERT INTO privacy_erasures (at, staff_id, appointments, companions, documents) VALUES (@at, @staffId, @appointments, @companions, @documents)',
    ),
    erasures: db.prepare<[number], ErasureRecord>(`${erasureColumns} ORDER BY e.id DESC LIMIT ?`),
    erasure: db.prepare<[number], ErasureRecord>(`${erasureColumns} WHERE e.id = ?`),
  };

  return {
    due: (cutOff: string, limit: number) => s.due.all({ cutOff, limit }).map((r) => r.id),
    documentIds: (appointmentId: string) => s.documentIds.all(appointmentId),
    companionEmails: (appointmentId: string) => s.companionEmails.all(appointmentId),
    /** Undefined for an unknown id, null while its personal data is still there. */
    purgedAt: (appointmentId: string) => s.isPurged.get(appointmentId),
    /** One transaction: every row about the appointment goes, the appointment row is blanked and marked. */
    purge: db.transaction((id: string, at: string): { cancelled: boolean } => {
      const cancelled = s.cancelBooked.run({ id, at }).changes === 1;
      for (const statement of [s.deleteDocuments, s.deleteCompanions, s.deleteReminders, s.deleteClaims, s.deleteMails, s.deleteAdmissions, s.deleteWebhooks]) {
        statement.run(id);
      }
      s.blank.run({ id, at });
      return { cancelled };
    }),
    blankCommentsBefore: (cutOff: string) => s.blankComments.run(cutOff).changes,
    companion: (id: string) => s.companion.get(id),
    /** A person who was a companion on someone else's appointment: their row goes, the appointment stays. */
    deleteCompanion: db.transaction((id: string, appointmentId: string) => {
      s.deleteCompanion.run(id);
      s.deleteCompanionAdmission.run(appointmentId, `companion:${id}`);
    }),
    /** Returns the record as listed. */
    recordErasure(row: { at: string; staffId: string; appointments: number; companions: number; documents: number }): ErasureRecord {
      const id = Number(s.insertErasure.run(row).lastInsertRowid);
      return s.erasure.get(id)!;
    },
    erasures: (limit: number) => s.erasures.all(limit),
  };
}

export type { ErasureRecord };

export type RetentionStore = ReturnType<typeof retentionStore>;
