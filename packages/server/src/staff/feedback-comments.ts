import type { FeedbackComment } from '@digitale-balie/contract';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { ZONE } from '../booking/slots.ts';
import type { CatalogStore } from '../catalog/store.ts';
import { localize } from '../catalog/types.ts';
import type { Db } from '../db/database.ts';
import { dashboardRange, type DashboardQuery } from './dashboard.ts';
import type { StaffAccount } from './identity.ts';
import { requireBeheerder } from './roles.ts';

/** What citizens wrote in the survey after their call, for a beheerder (issue 11): never with a name. */
export type { FeedbackComment };

/** A range of years holds no more than a beheerder can read; the newest come first. */
export const MAX_COMMENTS = 1000;

type Row = { serviceId: string; score: number; comment: string; day: string };

export function feedbackCommentsStore(db: Db) {
  // Within a day by service, score and text, never by id: the order of arrival would match the
  // order of that day's calls and point at the person.
  return {
    between: (fromIso: string, toIso: string, limit: number) =>
      db.q
        .selectFrom('feedback')
        .select(['service_id as serviceId', 'score', 'comment', 'created_at as day'])
        .where('comment', 'is not', null)
        .where('created_at', '>=', fromIso)
        .where('created_at', '<', toIso)
        .orderBy('created_at', 'desc')
        .orderBy('service_id')
        .orderBy('score')
        .orderBy('comment')
        .limit(limit)
        .$castTo<Row>()
        .execute(),
  };
}

export type FeedbackCommentsStore = ReturnType<typeof feedbackCommentsStore>;

/** GET /api/staff/dashboard/comments: a beheerder only; a medewerker gets 403. */
export function feedbackComments(deps: { catalog: CatalogStore; store: FeedbackCommentsStore; now: () => Date }) {
  return async function comments(actor: StaffAccount, q: DashboardQuery) {
    requireBeheerder(actor);
    const range = dashboardRange(q, deps.now());
    const rows = await deps.store.between(range.fromIso, range.toIso, MAX_COMMENTS + 1);
    const names = new Map((await deps.catalog.listServices()).map((s) => [s.id, localize(s.texts, 'nl').name]));
    return {
      from: range.fromDate,
      to: range.lastDate,
      /** More than MAX_COMMENTS in the range: choose a shorter one to read them all. */
      truncated: rows.length > MAX_COMMENTS,
      comments: rows.slice(0, MAX_COMMENTS).map(
        (r): FeedbackComment => ({
          serviceId: r.serviceId,
          service: names.get(r.serviceId) ?? r.serviceId,
          date: DateTime.fromISO(r.day, { zone: ZONE }).toISODate()!,
          score: r.score,
          comment: r.comment,
        }),
      ),
    };
  };
}

export type FeedbackComments = Awaited<ReturnType<ReturnType<typeof feedbackComments>>>;

/**
 * The comments as one CSV table. `escape_formulas` keeps a comment such as `=HYPERLINK(…)` inert in
 * a spreadsheet: citizens write these, so they are untrusted text.
 */
export function feedbackCommentsCsv(c: FeedbackComments): string {
  return stringify(
    c.comments.map((r) => [r.serviceId, r.service, r.date, r.score, r.comment]),
    { header: true, columns: ['service_id', 'service', 'date', 'score', 'comment'], escape_formulas: true, bom: true },
  );
}
