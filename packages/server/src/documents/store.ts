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

const columns = `id, appointment_id AS appointmentId, uploaded_by AS uploadedBy, uploader,
  required_document_id AS requiredDocumentId, filename, content_type AS contentType, size, sha256,
  created_at AS createdAt, completed_at AS completedAt, expires_at AS expiresAt, deleted_at AS deletedAt`;

/** SQL for documents; returns plain objects. Files live in the tus store, named by the row id. */
export function documentsStore(db: Db) {
  const s = {
    insert: db.prepare(
      `INSERT INTO documents (id, appointment_id, uploaded_by, uploader, required_document_id, filename, content_type, size, created_at, expires_at)
       VALUES (@id, @appointmentId, @uploadedBy, @uploader, @requiredDocumentId, @filename, @contentType, @size, @createdAt, @expiresAt)`,
    ),
    get: db.prepare<[string], DocumentRow>(`SELECT ${columns} FROM documents WHERE id = ?`),
    visible: db.prepare<[string], DocumentRow>(
      `SELECT ${columns} FROM documents WHERE appointment_id = ? AND completed_at IS NOT NULL AND deleted_at IS NULL
       ORDER BY completed_at, id`,
    ),
    /** Everything that counts against the appointment's quota: running uploads by their announced size. */
    bytesUsed: db.prepare<[string], { used: number }>(
      'SELECT COALESCE(SUM(size), 0) AS used FROM documents WHERE appointment_id = ? AND deleted_at IS NULL',
    ),
    /** Everything that counts against MAX_STORED_GB, likewise. */
    storedBytes: db.prepare<[], { used: number }>('SELECT COALESCE(SUM(size), 0) AS used FROM documents WHERE deleted_at IS NULL'),
    /** Announced sizes of the uploads still running: room on disk they may yet take. */
    unfinishedBytes: db.prepare<[], { used: number }>(
      'SELECT COALESCE(SUM(size), 0) AS used FROM documents WHERE completed_at IS NULL AND deleted_at IS NULL',
    ),
    complete: db.prepare(
      'UPDATE documents SET completed_at = @at, sha256 = @sha256, content_type = @contentType, size = @size, expires_at = NULL WHERE id = @id AND completed_at IS NULL',
    ),
    markDeleted: db.prepare('UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
    remove: db.prepare('DELETE FROM documents WHERE id = ?'),
    unfinished: db.prepare<[], Pick<DocumentRow, 'id' | 'size'>>('SELECT id, size FROM documents WHERE completed_at IS NULL'),
    expired: db.prepare<[string], { id: string }>('SELECT id FROM documents WHERE completed_at IS NULL AND expires_at < ?'),
    /** Rows whose appointment ended before the cut-off, whatever became of the appointment or the row. */
    pastRetention: db.prepare<[string], { id: string }>(
      'SELECT d.id FROM documents d JOIN appointments a ON a.id = d.appointment_id WHERE a.end_at < ?',
    ),
  };

  return {
    get: (id: string) => s.get.get(id),
    visible: (appointmentId: string) => s.visible.all(appointmentId),
    /**
     * Records a new upload unless it would take the appointment over `appointment` bytes or all stored
     * documents over `stored`; one transaction, so two uploads started at once cannot both squeeze under
     * a limit.
     */
    insertWithin: db.transaction((row: Omit<DocumentRow, 'sha256' | 'completedAt' | 'deletedAt'>, max: { appointment: number; stored: number }) => {
      const stored = s.storedBytes.get()!.used;
      if (stored + row.size > max.stored) return { inserted: false as const, over: 'stored' as const, used: stored };
      const used = s.bytesUsed.get(row.appointmentId)!.used;
      if (used + row.size > max.appointment) return { inserted: false as const, over: 'appointment' as const, used };
      s.insert.run(row);
      return { inserted: true as const, used };
    }),
    storedBytes: () => s.storedBytes.get()!.used,
    unfinishedBytes: () => s.unfinishedBytes.get()!.used,
    /** `size`: of the stored file, smaller than announced when a photo's metadata were stripped. */
    complete: (id: string, done: { at: string; sha256: string; contentType: string; size: number }) => s.complete.run({ id, ...done }).changes === 1,
    markDeleted: (id: string, at: string) => s.markDeleted.run(at, id).changes === 1,
    remove: (id: string) => void s.remove.run(id),
    unfinished: () => s.unfinished.all(),
    expired: (now: string) => s.expired.all(now).map((r) => r.id),
    pastRetention: (cutOff: string) => s.pastRetention.all(cutOff).map((r) => r.id),
  };
}

export type DocumentsStore = ReturnType<typeof documentsStore>;
