import type { ErasureRecord } from '@digitale-balie/contract';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { webhookRowsAbout } from '../webhooks/store.ts';

/**
 * The SQL of erasing an appointment's personal data. What stays on the row is what the impact
 * dashboard counts (service, staff member, channel, location, times, status, whether feedback was
 * given) and the ids other rows point at; everything a person wrote or that names them goes.
 */
export function retentionStore(db: Db) {
  const erasures = () =>
    db.q
      .selectFrom('privacy_erasures as e')
      .leftJoin('staff as st', 'st.id', 'e.staff_id')
      .select(['e.id', 'e.at', 'e.staff_id as staffId', 'st.name as staffName', 'e.appointments', 'e.companions', 'e.documents']);
  /** Every table whose rows are about one appointment and go with its personal data. */
  const aboutAppointment = ['documents', 'companions', 'reminders', 'slot_claims', 'mail_outbox', 'meeting_admissions'] as const;

  return {
    /** Past the cut-off and not yet purged: ended before it, or cancelled before it. */
    async due(cutOff: string, limit: number): Promise<string[]> {
      const rows = await db.q
        .selectFrom('appointments')
        .select('id')
        .$narrowType<{ id: string }>()
        .where('purged_at', 'is', null)
        .where((eb) => eb.or([eb('end_at', '<', cutOff), eb.and([eb('status', '=', 'cancelled'), eb('cancelled_at', '<', cutOff)])]))
        .orderBy('end_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async documentIds(appointmentId: string): Promise<string[]> {
      const rows = await db.q.selectFrom('documents').select('id').where('appointment_id', '=', appointmentId).execute();
      return rows.map((r) => r.id!);
    },
    async companionEmails(appointmentId: string): Promise<string[]> {
      const rows = await db.q.selectFrom('companions').select('email').where('appointment_id', '=', appointmentId).execute();
      return rows.map((r) => r.email);
    },
    /** Undefined for an unknown id, null while its personal data is still there. */
    async purgedAt(appointmentId: string): Promise<string | null | undefined> {
      const row = await db.q.selectFrom('appointments').select('purged_at').where('id', '=', appointmentId).executeTakeFirst();
      return row?.purged_at;
    },
    /** One transaction: every row about the appointment goes, the appointment row is blanked and marked. */
    purge: (id: string, at: string): Promise<{ cancelled: boolean }> =>
      db.transaction(async () => {
        // A booked appointment still to come is erased on request: it is cancelled first, so its time is free again.
        const cancel = await db.q
          .updateTable('appointments')
          .set((eb) => ({ status: 'cancelled', cancelled_at: at, cancelled_by: 'erasure', calendar_sequence: eb('calendar_sequence', '+', 1) }))
          .where('id', '=', id)
          .where('status', '=', 'booked')
          .where('end_at', '>', at)
          .executeTakeFirst();
        for (const table of aboutAppointment) await db.q.deleteFrom(table).where('appointment_id', '=', id).execute();
        // Webhook payloads carry the host page's metadata (a case number): pending, failed and delivered rows go.
        const webhooks = await webhookRowsAbout(db, id);
        if (webhooks.length) await db.q.deleteFrom('webhook_deliveries').where('id', 'in', webhooks.map((row) => row.id!)).execute();
        // token_hash is UNIQUE and NOT NULL: a value no token hashes to (hashes are hex) kills the link.
        await db.q
          .updateTable('appointments')
          .set((eb) => ({
            citizen_name: '',
            citizen_email: '',
            citizen_phone: null,
            intake: '{}',
            metadata: '{}',
            return_url: '',
            token_nonce: '',
            token_hash: sql<string>`'purged:' || ${eb.ref('id')}`,
            notes: null,
            next_steps: null,
            waiting_since: null,
            prefers_text: 0,
            purged_at: at,
          }))
          .where('id', '=', id)
          .execute();
        return { cancelled: Number(cancel.numUpdatedRows) === 1 };
      }),
    /** Feedback is anonymous, but a comment is free text: past retention only the score stays. */
    async blankCommentsBefore(cutOff: string): Promise<number> {
      const result = await db.q
        .updateTable('feedback')
        .set({ comment: null })
        .where('comment', 'is not', null)
        .where('created_at', '<', cutOff)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    companion: (id: string): Promise<{ id: string; appointmentId: string; email: string } | undefined> =>
      db.q
        .selectFrom('companions')
        .select(['id', 'appointment_id as appointmentId', 'email'])
        .$narrowType<{ id: string }>()
        .where('id', '=', id)
        .executeTakeFirst(),
    /** A person who was a companion on someone else's appointment: their row goes, the appointment stays. */
    deleteCompanion: (id: string, appointmentId: string): Promise<void> =>
      db.transaction(async () => {
        await db.q.deleteFrom('companions').where('id', '=', id).execute();
        await db.q.deleteFrom('meeting_admissions').where('appointment_id', '=', appointmentId).where('holder', '=', `companion:${id}`).execute();
      }),
    /** Returns the record as listed. */
    async recordErasure(row: { at: string; staffId: string; appointments: number; companions: number; documents: number }): Promise<ErasureRecord> {
      const { id } = await db.q
        .insertInto('privacy_erasures')
        .values({ at: row.at, staff_id: row.staffId, appointments: row.appointments, companions: row.companions, documents: row.documents })
        .returning('id')
        .executeTakeFirstOrThrow();
      return erasures().where('e.id', '=', id).executeTakeFirstOrThrow();
    },
    erasures: (limit: number): Promise<ErasureRecord[]> => erasures().orderBy('e.id', 'desc').limit(limit).execute(),
  };
}
export type { ErasureRecord };

export type RetentionStore = ReturnType<typeof retentionStore>;
