import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { channelLabel, formatDay, formatWhen, localDate, today } from '../format.ts';
import type { Agenda, AgendaChanged, AgendaItem } from '../types.ts';
import { renderDeviceParts } from './device-parts.ts';
import { StaffView } from './staff-view.ts';

const PERIODS = [1, 3, 7, 14] as const;

/**
 * Today and the coming days, for me or the whole team: one table per day. Reloads whenever the
 * console passes a new `change` from the live stream, and announces appointments that appeared.
 */
@customElement('balie-staff-agenda')
export class BalieStaffAgenda extends StaffView {
  /** Whose appointments: the signed-in member's, or everyone's. */
  @property() scope: 'me' | 'all' = 'me';
  /** The latest live event; a new value means: reload. */
  @property({ attribute: false }) change?: AgendaChanged;

  @state() private days: number = 1;
  @state() private agenda?: Agenda;
  @state() private error = '';
  @state() private fresh = new Set<string>();

  private loads = 0;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('scope') || changed.has('days')) void this.load(false);
    else if (changed.has('change') && this.change) void this.load(true);
  }

  private async load(live: boolean) {
    const run = ++this.loads;
    try {
      const agenda = await this.api.agenda({ days: this.days, staff: this.scope === 'all' ? 'all' : this.me.id });
      if (run !== this.loads) return;
      const before = new Set(this.agenda?.appointments.map((a) => a.id));
      const arrived = live && this.agenda ? agenda.appointments.filter((a) => !before.has(a.id)) : [];
      this.agenda = agenda;
      this.error = '';
      if (arrived.length) {
        this.fresh = new Set([...this.fresh, ...arrived.map((a) => a.id)]);
        for (const a of arrived) this.announce(this.t.shell.newArrival(a.citizen.firstName, a.service.name, formatWhen(a.start, this.t.locale, 'short')));
      }
    } catch (error) {
      if (run === this.loads) this.error = this.errorText(error);
    }
  }

  override render() {
    const t = this.t.agenda;
    return html`${this.heading(t.title)}
      <div class="toolbar">
        <div class="field">
          <label for="period">${t.period}</label>
          <select id="period" @change=${(e: Event) => (this.days = Number((e.target as HTMLSelectElement).value))}>
            ${PERIODS.map((n) => html`<option value=${n} ?selected=${n === this.days}>${t.days(n)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="scope">${t.scope}</label>
          <select id="scope" @change=${(e: Event) => this.emit('scope-change', (e.target as HTMLSelectElement).value)}>
            <option value="me" ?selected=${this.scope === 'me'}>${t.mine}</option>
            <option value="all" ?selected=${this.scope === 'all'}>${t.team}</option>
          </select>
        </div>
      </div>
      ${this.error
        ? html`<p class="notice error-box" role="alert">${this.error}</p>
            <button class="secondary" @click=${() => this.load(false)}>${this.t.common.retry}</button>`
        : nothing}
      ${this.agenda ? this.renderDays(this.agenda) : this.error ? nothing : html`<p>${this.t.common.loading}</p>`}`;
  }

  private renderDays(agenda: Agenda) {
    if (!agenda.appointments.length) return html`<p class="notice" data-empty>${this.t.agenda.empty}</p>`;
    const byDay = new Map<string, AgendaItem[]>();
    for (const item of agenda.appointments) {
      const day = localDate(item.start);
      byDay.set(day, [...(byDay.get(day) ?? []), item]);
    }
    return [...byDay].map(([day, items]) => this.renderDay(day, items));
  }

  private renderDay(day: string, items: AgendaItem[]) {
    const t = this.t.agenda;
    const c = t.columns;
    const team = this.scope === 'all';
    const caption = day === today() ? `${t.days(1)}, ${formatDay(day, this.t.locale)}` : formatDay(day, this.t.locale);
    // Focusable, so a keyboard user can scroll a table wider than the screen.
    return html`<div class="table-wrap" role="region" tabindex="0" aria-label=${caption}>
      <table>
        <caption>${caption}</caption>
        <thead>
          <tr>
            <th scope="col">${c.time}</th>
            <th scope="col">${c.service}</th>
            <th scope="col">${c.where}</th>
            <th scope="col">${c.citizen}</th>
            ${team ? html`<th scope="col">${c.staff}</th>` : nothing}
            <th scope="col">${c.companions}</th>
            <th scope="col">${c.intake}</th>
            <th scope="col">${c.readiness}</th>
            <th scope="col"><span class="visually-hidden">${c.actions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${items.map((item) => this.renderRow(item, team))}
        </tbody>
      </table>
    </div>`;
  }

  private renderRow(item: AgendaItem, team: boolean) {
    const t = this.t.agenda;
    const time = formatWhen(item.start, this.t.locale, 'time');
    const classes = [item.readiness.waiting ? 'waiting' : '', this.fresh.has(item.id) ? 'new' : '', item.status === 'cancelled' ? 'cancelled' : ''];
    return html`<tr class=${classes.join(' ').trim()} data-appointment=${item.id}>
      <th scope="row">${time}–${formatWhen(item.end, this.t.locale, 'time')}</th>
      <td>${item.service.name}</td>
      <td>
        ${channelLabel(t, item.channel, item.location?.name)}
        ${item.citizen.phone
          ? html`<br /><a href="tel:${item.citizen.phone.tel}" aria-label=${t.call(item.citizen.phone.text)} data-call>${item.citizen.phone.text}</a>`
          : nothing}
      </td>
      <td>
        ${item.citizen.firstName}
        ${this.fresh.has(item.id) ? html` <span class="badge new">${t.isNew}</span>` : nothing}
        ${item.status !== 'booked' ? html`<br /><span class="badge todo">${t.status[item.status]}</span>` : nothing}
      </td>
      ${team ? html`<td>${item.staff.name}</td>` : nothing}
      <td>
        ${item.companions.length
          ? html`<ul class="plain">${item.companions.map((p) => html`<li>${p.name} (${t.companionRoles[p.role]})</li>`)}</ul>`
          : this.t.common.none}
      </td>
      <td>
        ${item.intake.length
          ? html`<dl class="compact">${item.intake.map((q) => html`<dt>${q.question}</dt><dd>${q.answer}</dd>`)}</dl>`
          : this.t.common.none}
      </td>
      <td>${this.renderReadiness(item)}</td>
      <td>
        <button class="secondary small" aria-label=${t.openLabel(item.citizen.firstName, time)}
          @click=${() => this.navigate({ view: 'dossier', id: item.id })}>${t.open}</button>
      </td>
    </tr>`;
  }

  private renderReadiness(item: AgendaItem) {
    const t = this.t.agenda;
    const { deviceCheck, documents, waiting, fallback } = item.readiness;
    const deviceClass = { passed: 'ok', failed: 'bad', not_done: 'todo' }[deviceCheck];
    return html`<ul class="plain">
      ${waiting ? html`<li><span class="badge alert" data-waiting>${t.waiting}</span></li>` : nothing}
      ${item.channel === 'video'
        ? html`<li><span class="badge ${deviceClass}">${item.readiness.deviceParts ? renderDeviceParts(this.t, item.readiness.deviceParts) : t.deviceCheck[deviceCheck]}</span></li>`
        : nothing}
      ${fallback ? html`<li><span class="badge bad" data-fallback=${fallback}>${t.deviceFallback[fallback]}</span></li>` : nothing}
      ${item.prefersText ? html`<li><span class="badge alert" data-prefers-text>${t.prefersText}</span></li>` : nothing}
      <li>
        ${documents.required
          ? html`<span class="badge ${documents.uploaded >= documents.required ? 'ok' : 'todo'}">${t.documents(documents.uploaded, documents.required)}</span>`
          : html`<span class="badge ok">${t.noDocuments}</span>`}
      </li>
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-agenda': BalieStaffAgenda;
  }
}
