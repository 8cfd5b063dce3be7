import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { addDays, formatDay, formatNumber, today } from '../format.ts';
import type { DashboardData } from '../types.ts';
import { barChart, barChartStyles } from './bar-chart.ts';
import './feedback-comments.ts';
import { StaffView } from './staff-view.ts';

const SCORES = ['1', '2', '3', '4', '5'] as const;

/** The impact dashboard for a chosen period: key figures, two bar charts with their tables, CSV. */
@customElement('balie-staff-dashboard')
export class BalieStaffDashboard extends StaffView {
  static override styles = [
    ...StaffView.styles,
    barChartStyles,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11em, 1fr));
        gap: calc(var(--_space) * 0.75);
        margin: 0 0 var(--_space);
      }
      .tiles div {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.75em;
        background: var(--_surface);
      }
      .tiles dt {
        font-size: 0.875em;
        color: var(--_muted);
      }
      .tiles dd {
        margin: 0;
        font-size: 1.5em;
        font-weight: 700;
      }
      .tiles dd.note {
        font-size: 0.875em;
        font-weight: normal;
        color: var(--_muted);
      }
      a.button {
        display: inline-flex;
        align-items: center;
        text-decoration: none;
      }
      a.button.secondary {
        background: transparent;
        color: var(--_primary);
      }
      .figure {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(26em, 100%), 1fr));
        gap: 0 calc(var(--_space) * 2);
        align-items: start;
      }
      td.number,
      th.number {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @state() private from = addDays(today(), -29);
  @state() private to = today();
  @state() private data?: DashboardData;
  @state() private error = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.data = await this.api.dashboard(this.from, this.to);
      this.error = '';
    } catch (error) {
      this.error = this.fieldTexts(error).to ?? this.errorText(error);
    }
  }

  private submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    this.from = (form.elements.namedItem('from') as HTMLInputElement).value || this.from;
    this.to = (form.elements.namedItem('to') as HTMLInputElement).value || this.to;
    void this.load();
  }

  override render() {
    const t = this.t.dashboard;
    return html`${this.heading(t.title)}
      <form class="toolbar" @submit=${this.submit}>
        <div class="field"><label for="dashboard-from">${t.from}</label><input id="dashboard-from" name="from" type="date" .value=${this.from} /></div>
        <div class="field"><label for="dashboard-to">${t.to}</label><input id="dashboard-to" name="to" type="date" .value=${this.to} /></div>
        <button type="submit">${t.show}</button>
        <a class="button secondary" href=${this.api.dashboardCsvUrl(this.from, this.to)} download>${t.csv}</a>
      </form>
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${this.data ? this.renderData(this.data) : this.error ? nothing : html`<p>${this.t.common.loading}</p>`}`;
  }

  private renderData(d: DashboardData) {
    const t = this.t.dashboard;
    const n = (value: number) => formatNumber(value, this.t.locale);
    const period = `${formatDay(d.from, this.t.locale, true)} – ${formatDay(d.to, this.t.locale, true)}`;
    const tiles: [string, string, string?][] = [
      [t.booked, n(d.booked)],
      [t.held, n(d.held)],
      [t.noShows, n(d.noShows)],
      [t.cancelled, n(d.cancelled)],
      [t.open, n(d.open)],
      d.medianLeadTimeHours === null ? [t.leadTime, '–', t.empty] : [t.leadTime, t.hours(n(d.medianLeadTimeHours))],
      d.callDuration
        ? [t.callDuration, t.minutes(n(d.callDuration.averageMinutes)), t.calls(d.callDuration.count)]
        : [t.callDuration, '–', t.empty],
      d.satisfaction ? [t.satisfaction, t.outOf5(n(d.satisfaction.average)), t.answersCount(d.satisfaction.count)] : [t.satisfaction, '–', t.empty],
    ];
    return html`<section aria-labelledby="figures-heading">
        <h3 id="figures-heading">${t.figures} <span class="muted">(${period})</span></h3>
        <dl class="tiles">
          ${tiles.map(([label, value, note]) => html`<div><dt>${label}</dt><dd>${value}</dd>${note ? html`<dd class="note">${note}</dd>` : nothing}</div>`)}
        </dl>
      </section>
      ${this.renderPerService(d)} ${this.renderDistribution(d)}
      ${this.isBeheerder
        ? html`<balie-staff-feedback-comments .t=${this.t} .api=${this.api} .me=${this.me} .from=${d.from} .to=${d.to}></balie-staff-feedback-comments>`
        : nothing}`;
  }

  private renderPerService(d: DashboardData) {
    const t = this.t.dashboard;
    return html`<section aria-labelledby="per-service-heading">
      <h3 id="per-service-heading">${t.perService}</h3>
      ${d.booked === 0
        ? html`<p class="muted">${t.empty}</p>`
        : barChart({
            id: 'chart-per-service',
            title: t.perServiceChart,
            categories: d.perService.map((s) => s.name),
            series: [
              { name: t.booked, tone: 'primary', values: d.perService.map((s) => s.booked) },
              { name: t.held, tone: 'ok', values: d.perService.map((s) => s.held) },
            ],
          })}
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">${t.perService}</caption>
          <thead>
            <tr>
              <th scope="col">${t.service}</th>
              ${[t.booked, t.held, t.noShows, t.cancelled, t.open].map((label) => html`<th scope="col" class="number">${label}</th>`)}
              <th scope="col">${t.satisfaction}</th>
            </tr>
          </thead>
          <tbody>
            ${d.perService.map(
              (s) => html`<tr>
                <th scope="row">${s.name}</th>
                ${[s.booked, s.held, s.noShows, s.cancelled, s.open].map((v) => html`<td class="number">${v}</td>`)}
                <td>${s.satisfaction ? t.average(formatNumber(s.satisfaction.average, this.t.locale), s.satisfaction.count) : t.empty}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  private renderDistribution(d: DashboardData) {
    const t = this.t.dashboard;
    const counts = SCORES.map((score) => d.satisfaction?.distribution[score] ?? 0);
    return html`<section aria-labelledby="distribution-heading">
      <h3 id="distribution-heading">${t.distribution}</h3>
      <div class="figure">
        ${!d.satisfaction
          ? html`<p class="muted">${t.empty}</p>`
          : barChart({
              id: 'chart-distribution',
              title: t.distributionChart,
              categories: SCORES.map((score) => t.score(score)),
              series: [{ name: t.answers, tone: 'primary', values: counts }],
            })}
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">${t.distribution}</caption>
            <thead>
              <tr><th scope="col">${t.score('').trim()}</th><th scope="col" class="number">${t.answers}</th></tr>
            </thead>
            <tbody>
              ${SCORES.map((score, i) => html`<tr><th scope="row">${score}</th><td class="number">${counts[i]}</td></tr>`)}
            </tbody>
          </table>
        </div>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-dashboard': BalieStaffDashboard;
  }
}
