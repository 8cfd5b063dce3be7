import type { Figures } from '@digitale-balie/contract';
import { DateTime } from 'luxon';
import { ZONE } from '../booking/slots.ts';
import type { CatalogStore } from '../catalog/store.ts';
import { localize } from '../catalog/types.ts';
import { localDays } from './agenda.ts';
import type { DashboardRow, StaffAppointmentsStore } from './appointments-store.ts';

const HOUR = 3_600_000;
const DEFAULT_DAYS = 30;

export type { Figures };

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function figures(rows: DashboardRow[], scores: number[]): Figures {
  const count = (status: DashboardRow['status']) => rows.filter((r) => r.status === status).length;
  const leadTimes = rows.filter((r) => r.status !== 'cancelled').map((r) => (Date.parse(r.startAt) - Date.parse(r.createdAt)) / HOUR);
  const calls = rows
    .filter((r) => r.callStartedAt && r.callEndedAt)
    .map((r) => (Date.parse(r.callEndedAt!) - Date.parse(r.callStartedAt!)) / 60_000);
  const lead = median(leadTimes);
  return {
    booked: rows.length,
    held: count('held'),
    cancelled: count('cancelled'),
    noShows: count('no_show'),
    open: count('booked'),
    medianLeadTimeHours: lead === null ? null : round(lead, 1),
    callDuration: calls.length
      ? { count: calls.length, averageMinutes: round(calls.reduce((a, b) => a + b, 0) / calls.length, 1), medianMinutes: round(median(calls)!, 1) }
      : null,
    satisfaction: scores.length
      ? {
          count: scores.length,
          average: round(scores.reduce((a, b) => a + b, 0) / scores.length, 2),
          distribution: {
            '1': scores.filter((s) => s === 1).length,
            '2': scores.filter((s) => s === 2).length,
            '3': scores.filter((s) => s === 3).length,
            '4': scores.filter((s) => s === 4).length,
            '5': scores.filter((s) => s === 5).length,
          },
        }
      : null,
  };
}

export type DashboardQuery = { from?: string | undefined; to?: string | undefined };

/** Local dates `from`..`to` inclusive (default: the last 30 days), with their bounds as UTC instants. */
export function dashboardRange(q: DashboardQuery, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const to = q.to ? DateTime.fromISO(q.to, { zone: ZONE }) : today;
  const from = q.from ? DateTime.fromISO(q.from, { zone: ZONE }) : to.minus({ days: DEFAULT_DAYS - 1 });
  const days = Math.round(to.diff(from, 'days').days) + 1;
  return { ...localDays(from.toISODate()!, days, now), lastDate: to.toISODate()! };
}

/** The impact dashboard: what the service delivers, over local dates `from`..`to` inclusive. */
export function staffDashboard(deps: { catalog: CatalogStore; store: StaffAppointmentsStore; now: () => Date }) {
  return async function dashboard(q: DashboardQuery) {
    const range = dashboardRange(q, deps.now());

    const rows = await deps.store.dashboardRows(range.fromIso, range.toIso);
    const scores = await deps.store.feedbackScores(range.fromIso, range.toIso);
    return {
      from: range.fromDate,
      to: range.lastDate,
      ...figures(rows, scores.map((s) => s.score)),
      perService: (await deps.catalog.listServices()).map((service) => ({
        serviceId: service.id,
        name: localize(service.texts, 'nl').name,
        ...figures(
          rows.filter((r) => r.serviceId === service.id),
          scores.filter((s) => s.serviceId === service.id).map((s) => s.score),
        ),
      })),
    };
  };
}

export type Dashboard = Awaited<ReturnType<ReturnType<typeof staffDashboard>>>;
