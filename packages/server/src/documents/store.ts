import type { Db } from '../db/database.ts';

export type UploadedBy = 'citizen' | 'companion' | 'staff';

/** A row of `documents`: an upload while `completedAt` is null, a visible document after. */
export interface DocumentRow {
  id: string;
  appointmentId: string;
  uploadedBy: UploadedBy;
  /** `citizen`, `companion:<id>` or `staff:<id>`: the one who may resume the upload or delete it early. */
  uploader: string;
  requiredDocumentId: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  createdAt: string;
  completedAt: string | null;
  expiresAt: string | null;
  deletedAt: string | null;
}

const columns = [
  'id',
  'appointment_id as appointmentId',
  'uploaded_by as uploadedBy',
  'uploader',
  'required_document_id as requiredDocumentId',
  'filename',
  'content_type as contentType',
  'size',
  'sha256',
  'created_at as createdAt',
  'completed_at as completedAt',
  'expires_at as expiresAt',
  'deleted_at as deletedAt',
] as const;

/** SQL for documents; returns plain objects. Files live in the tus store, named by the row id. */
export function documentsStore(db: Db) {
  const rows = () => db.q.selectFrom('documents').select(columns).$castTo<DocumentRow>();
  /** The sum of `size` over the rows `where` keeps. */
  const sizes = () => db.q.selectFrom('documents').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('used'));
  const ids = (found: { id: string | null }[]) => found.map((r) => r.id!);

  /** Everything that counts against MAX_STORED_GB: running uploads by their announced size. */
  const storedBytes = async () => Number((await sizes().where('deleted_at', 'is', null).executeTakeFirstOrThrow()).used);

  return {
    get: (id: string) => rows().where('id', '=', id).executeTakeFirst(),
    visible: (appointmentId: string) =>
      rows()
        .where('appointment_id', '=', appointmentId)
        .where('completed_at', 'is not', null)
        .where('deleted_at', 'is', null)
        .orderBy('completed_at')
        .orderBy('id')
        .execute(),
    /**
     * Records a new upload unless it would take the appointment over `appointment` bytes or all stored
     * documents over `stored`; one transaction, so two uploads started at once cannot both squeeze under
     * a limit.
     */
    insertWithin: (row: Omit<DocumentRow, 'sha256' | 'completedAt' | 'deletedAt'>, max: { appointment: number; stored: number }) =>
      db.transaction(async () => {
        const stored = await storedBytes();
        if (stored + row.size > max.stored) return { inserted: false as const, over: 'stored' as const, used: stored };
        // Everything that counts against the appointment's quota, likewise.
        const used = Number(
          (await sizes().where('appointment_id', '=', row.appointmentId).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).used,
        );
        if (used + row.size > max.appointment) return { inserted: false as const, over: 'appointment' as const, used };
        await db.q
          .insertInto('documents')
          .values({
            id: row.id,
            appointment_id: row.appointmentId,
            uploaded_by: row.uploadedBy,
            uploader: row.uploader,
            required_document_id: row.requiredDocumentId,
            filename: row.filename,
            content_type: row.contentType,
            size: row.size,
            created_at: row.createdAt,
            expires_at: row.expiresAt,
          })
          .execute();
        return { inserted: true as const, used };
      }),
    storedBytes,
    /** Announced sizes of the uploads still running: room on disk they may yet take. */
    unfinishedBytes: async () =>
      Number((await sizes().where('completed_at', 'is', null).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).used),
    /** `size`: of the stored file, smaller than announced when a photo's metadata were stripped. */
    complete: async (id: string, done: { at: string; sha256: string; contentType: string; size: number }) => {
      const result = await db.q
        .updateTable('documents')
        .set({ completed_at: done.at, sha256: done.sha256, content_type: done.contentType, size: done.size, expires_at: null })
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    markDeleted: async (id: string, at: string) => {
      const result = await db.q.updateTable('documents').set({ deleted_at: at }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    remove: async (id: string) => {
      await db.q.deleteFrom('documents').where('id', '=', id).execute();
    },
    unfinished: () =>
      db.q.selectFrom('documents').select(['id', 'size']).where('completed_at', 'is', null).$castTo<Pick<DocumentRow, 'id' | 'size'>>().execute(),
    expired: async (now: string) =>
      ids(await db.q.selectFrom('documents').select('id').where('completed_at', 'is', null).where('expires_at', '<', now).execute()),
    /** Rows whose appointment ended before the cut-off, whatever became of the appointment or the row. */
    pastRetention: async (cutOff: string) =>
      ids(
        await db.q
          .selectFrom('documents as d')
          .innerJoin('appointments as a', 'a.id', 'd.appointment_id')
          .select('d.id')
          .where('a.end_at', '<', cutOff)
          .execute(),
      ),
  };
}

export type DocumentsStore = ReturnType<typeof documentsStore>;
