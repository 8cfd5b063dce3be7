import { stringify } from 'csv-stringify/sync';
import type { Dashboard, Figures } from './dashboard.ts';

const columns = [
  'scope', 'service_id', 'service', 'from', 'to', 'booked', 'held', 'cancelled', 'no_shows', 'open',
  'median_lead_time_hours', 'calls', 'call_average_minutes', 'call_median_minutes',
  'satisfaction_count', 'satisfaction_average', 'satisfaction_1', 'satisfaction_2', 'satisfaction_3', 'satisfaction_4', 'satisfaction_5',
];

const values = (f: Figures) => [
  f.booked, f.held, f.cancelled, f.noShows, f.open,
  f.medianLeadTimeHours ?? '', f.callDuration?.count ?? 0, f.callDuration?.averageMinutes ?? '', f.callDuration?.medianMinutes ?? '',
  f.satisfaction?.count ?? 0, f.satisfaction?.average ?? '',
  ...(['1', '2', '3', '4', '5'] as const).map((score) => f.satisfaction?.distribution[score] ?? 0),
];

/**
 * The dashboard as one CSV table: a `total` row, then one row per service. Empty cells stand for
 * the JSON's nulls. `escape_formulas` keeps a service name such as `=HYPERLINK(…)` inert in a spreadsheet.
 */
export function dashboardCsv(d: Dashboard): string {
  const rows = [
    ['total', '', '', d.from, d.to, ...values(d)],
    ...d.perService.map((s) => ['service', s.serviceId, s.name, d.from, d.to, ...values(s)]),
  ];
  return stringify(rows, { header: true, columns, escape_formulas: true, bom: true });
}
