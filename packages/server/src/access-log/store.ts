import type { Db } from '../db/database.ts';

/** One row of the access log: who did what, when, to which appointment or document. Ids only. */
export interface AccessLogRow {
  id: number;
  at: string;
  staffId: string;
  /** The staff member's name now (staff are never deleted, only deactivated); null for an unknown id. */
  staffName: string | null;
  action: string;
  appointmentId: string | null;
  documentId: string | null;
  detail: string | null;
}

export interface AccessLogFilter {
  staffId?: string | undefined;
  action?: string | undefined;
  appointmentId?: string | undefined;
  /** ISO instants: `fromIso` ≤ at < `toIso`. */
  fromIso?: string | undefined;
  toIso?: string | undefined;
  /** Rows older than this row id (the next page). */
  beforeId?: number | undefined;
}

export function accessLogStore(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, string | null, string | null]>(
    'INSERT INTO access_log (at, staff_id, action, appointment_id, document_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const purge = db.prepare<[string]>('DELETE FROM access_log WHERE at < ?');
  // One statement for every combination of filters: a null parameter matches every row.
  const find = db.prepare<Record<string, string | number | null>, AccessLogRow>(
    `SELECT l.id, l.at, l.staff_id AS staffId, s.name AS staffName, l.action,
            l.appointment_id AS appointmentId, l.document_id AS documentId, l.detail
     FROM access_log l LEFT JOIN staff s ON s.id = l.staff_id
     WHERE (:staffId IS NULL OR l.staff_id = :staffId)
       AND (:action IS NULL OR l.action = :action)
       AND (:appointmentId IS NULL OR l.appointment_id = :appointmentId)
       AND (:fromIso IS NULL OR l.at >= :fromIso)
       AND (:toIso IS NULL OR l.at < :toIso)
       AND (:beforeId IS NULL OR l.id < :beforeId)
     ORDER BY l.id DESC LIMIT :limit`,
  );
  return {
    insert(row: Omit<AccessLogRow, 'id' | 'staffName'>) {
      insert.run(row.at, row.staffId, row.action, row.appointmentId, row.documentId, row.detail);
    },
    /** Newest first; every filter is optional. */
    find(filter: AccessLogFilter, limit: number): AccessLogRow[] {
      return find
        .all({
          staffId: filter.staffId ?? null,
          action: filter.action ?? null,
          appointmentId: filter.appointmentId ?? null,
          fromIso: filter.fromIso ?? null,
          toIso: filter.toIso ?? null,
          beforeId: filter.beforeId ?? null,
          limit,
        });
    },
    /** Deletes the rows written before `cutOffIso`; returns how many. */
    purgeBefore: (cutOffIso: string) => purge.run(cutOffIso).changes,
  };
}

export type AccessLogStore = ReturnType<typeof accessLogStore>;
