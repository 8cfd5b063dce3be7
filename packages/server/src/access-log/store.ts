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
  return {
    async insert(row: Omit<AccessLogRow, 'id' | 'staffName'>): Promise<void> {
      await db.q
        .insertInto('access_log')
        .values({ at: row.at, staff_id: row.staffId, action: row.action, appointment_id: row.appointmentId, document_id: row.documentId, detail: row.detail })
        .execute();
    },
    /** Newest first; every filter is optional. */
    find(filter: AccessLogFilter, limit: number): Promise<AccessLogRow[]> {
      let query = db.q
        .selectFrom('access_log as l')
        .leftJoin('staff as s', 's.id', 'l.staff_id')
        .select(['l.id', 'l.at', 'l.staff_id as staffId', 's.name as staffName', 'l.action', 'l.appointment_id as appointmentId', 'l.document_id as documentId', 'l.detail']);
      if (filter.staffId !== undefined) query = query.where('l.staff_id', '=', filter.staffId);
      if (filter.action !== undefined) query = query.where('l.action', '=', filter.action);
      if (filter.appointmentId !== undefined) query = query.where('l.appointment_id', '=', filter.appointmentId);
      if (filter.fromIso !== undefined) query = query.where('l.at', '>=', filter.fromIso);
      if (filter.toIso !== undefined) query = query.where('l.at', '<', filter.toIso);
      if (filter.beforeId !== undefined) query = query.where('l.id', '<', filter.beforeId);
      return query.orderBy('l.id', 'desc').limit(limit).execute();
    },
    /** Deletes the rows written before `cutOffIso`; returns how many. */
    async purgeBefore(cutOffIso: string): Promise<number> {
      const result = await db.q.deleteFrom('access_log').where('at', '<', cutOffIso).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type AccessLogStore = ReturnType<typeof accessLogStore>;
