import { DateTime } from 'luxon';
import { ZONE } from '../booking/slots.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { requireBeheerder } from '../staff/roles.ts';
import type { AccessLogRow, AccessLogStore } from './store.ts';

/**
 * What staff did with personal data (issue 12, "who looked at what"). Add an action here when a new
 * use case reads or removes a citizen's data; the console lists these as its filter.
 */
export const ACCESS_ACTIONS = [
  'dossier.opened',
  'document.downloaded',
  /** Everything about one person handed out (a citizen's access request). */
  'export',
  /** One person's data erased on request; the row is the record that it happened. */
  'erase',
  /** Appointments looked up by a citizen's e-mail address or phone number (the term is not logged). */
  'search',
] as const;

export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/**
 * One audited access. Ids only: the log outlives the data it points at (it keeps ACCESS_LOG_DAYS,
 * the data RETENTION_DAYS), so it must never hold a name, an address or a search term itself.
 */
export interface AccessEntry {
  staffId: string;
  action: AccessAction;
  appointmentId?: string | undefined;
  documentId?: string | undefined;
  /** A short fact such as `3 appointments, 2 documents`; never personal data. */
  detail?: string | undefined;
}

export interface AccessLogQuery {
  staffId?: string | undefined;
  action?: AccessAction | undefined;
  appointmentId?: string | undefined;
  /** Local dates (Europe/Brussels), both inclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** The `next` of the previous page. */
  before?: number | undefined;
  limit?: number | undefined;
}

const DAY = 86_400_000;
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;
const MAX_DETAIL = 200;

export function accessLogService(deps: { store: AccessLogStore; now: () => Date; retentionDays: number }) {
  const { store } = deps;
  return {
    /**
     * Writes one row, now. Rejecting on failure on purpose: a read that cannot be recorded must not
     * be served, so callers await the record before they answer.
     */
    async record(entry: AccessEntry): Promise<void> {
      const detail = entry.detail?.trim() || null;
      // A programming error, caught by the tests of the caller: an e-mail address is personal data.
      if (detail && (detail.length > MAX_DETAIL || detail.includes('@'))) throw new TypeError('access log detail must be a short fact without personal data');
      await store.insert({
        at: deps.now().toISOString(),
        staffId: entry.staffId,
        action: entry.action,
        appointmentId: entry.appointmentId ?? null,
        documentId: entry.documentId ?? null,
        detail,
      });
    },

    /** GET /api/staff/access-log: a beheerder only. Newest first, one page at a time. */
    async list(actor: StaffAccount, q: AccessLogQuery): Promise<{ entries: AccessLogRow[]; next: number | null }> {
      requireBeheerder(actor);
      const limit = Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE);
      const day = (date: string) => DateTime.fromISO(date, { zone: ZONE });
      const rows = await store.find(
        {
          staffId: q.staffId,
          action: q.action,
          appointmentId: q.appointmentId,
          fromIso: q.from ? day(q.from).toUTC().toISO()! : undefined,
          toIso: q.to ? day(q.to).plus({ days: 1 }).toUTC().toISO()! : undefined,
          beforeId: q.before,
        },
        limit + 1,
      );
      const entries = rows.slice(0, limit);
      return { entries, next: rows.length > limit ? entries.at(-1)!.id : null };
    },

    /** Removes the rows older than ACCESS_LOG_DAYS; returns how many. */
    purge(): Promise<number> {
      return store.purgeBefore(new Date(deps.now().getTime() - deps.retentionDays * DAY).toISOString());
    },
  };
}

export type AccessLog = ReturnType<typeof accessLogService>;
/** The one function other features get: they write, they never read. */
export type RecordAccess = AccessLog['record'];
