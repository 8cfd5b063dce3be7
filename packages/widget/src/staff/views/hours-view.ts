import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Location } from '../../api/types.ts';
import { lookups } from '../names.ts';
import type { Account, AdminService, AffectedAppointment, HoursBlock } from '../types.ts';
import { affectedBy, renderAffected } from './affected-list.ts';
import './closures-panel.ts';
import { StaffView } from './staff-view.ts';

/** Weekly opening hours per staff member (and, below, the closures). Saving replaces the whole week. */
@customElement('balie-staff-hours')
export class BalieStaffHours extends StaffView {
  @state() private accounts: Account[] = [];
  @state() private services: AdminService[] = [];
  @state() private locations: Location[] = [];
  @state() private staffId = '';
  @state() private blocks?: HoursBlock[];
  @state() private errors: Record<string, string> = {};
  @state() private error = '';
  @state() private affected?: AffectedAppointment[];
  @state() private status = '';
  @state() private busy = false;

  override connectedCallback() {
    super.connectedCallback();
    void this.start();
  }

  private async start() {
    try {
      [this.accounts, this.services, this.locations] = await Promise.all([this.api.accounts(), this.api.services(), this.api.locations()]);
      await this.pick(this.me.id);
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private async pick(staffId: string) {
    this.staffId = staffId;
    this.blocks = undefined;
    this.errors = {};
    this.affected = undefined;
    this.status = '';
    try {
      const hours = await this.api.hours(staffId);
      this.blocks = hours.map(({ weekday, startTime, endTime, channel, locationId }) => ({ weekday, startTime, endTime, channel, locationId }));
      this.error = '';
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private get staffName() {
    return this.accounts.find((m) => m.id === this.staffId)?.name ?? this.staffId;
  }

  private edit(i: number, patch: Partial<HoursBlock>) {
    const next = { ...this.blocks![i]!, ...patch };
    if (patch.channel) next.locationId = patch.channel === 'counter' ? (this.locations[0]?.id ?? null) : null;
    this.blocks = this.blocks!.map((b, j) => (j === i ? next : b));
  }

  private async save(e: SubmitEvent) {
    e.preventDefault();
    this.busy = true;
    this.errors = {};
    this.error = '';
    this.affected = undefined;
    this.status = '';
    try {
      await this.api.replaceHours(this.staffId, this.blocks!);
      this.status = this.t.hours.savedWeek(this.staffName);
      this.announce(this.status);
    } catch (error) {
      this.affected = affectedBy(error);
      this.errors = this.fieldTexts(error);
      this.error = this.affected ? '' : (this.errors.hours ?? this.errorText(error));
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const t = this.t.hours;
    return html`${this.heading(t.title)}
      <div class="toolbar">
        <div class="field">
          <label for="hours-staff">${t.staff}</label>
          <select id="hours-staff" @change=${(e: Event) => this.pick((e.target as HTMLSelectElement).value)}>
            ${this.accounts.map((m) => html`<option value=${m.id} ?selected=${m.id === this.staffId}>${m.name}</option>`)}
          </select>
        </div>
      </div>
      ${this.blocks ? this.renderWeek(this.blocks) : this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : html`<p>${this.t.common.loading}</p>`}
      ${this.accounts.length
        ? html`<balie-staff-closures .t=${this.t} .api=${this.api} .me=${this.me} .accounts=${this.accounts} .names=${this.names}
            @announce=${(e: CustomEvent) => this.emit('announce', e.detail)}
            @navigate=${(e: CustomEvent) => this.emit('navigate', e.detail)}></balie-staff-closures>`
        : nothing}`;
  }

  private get names() {
    return lookups(this.services, this.accounts);
  }

  private renderWeek(blocks: HoursBlock[]) {
    const t = this.t.hours;
    const c = t.columns;
    return html`<section aria-labelledby="week-heading">
      <h3 id="week-heading">${t.week(this.staffName)}</h3>
      ${this.status ? html`<p class="notice success">${this.status}</p>` : nothing}
      <form novalidate @submit=${this.save}>
        ${blocks.length
          ? html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${c.day}</th>
                    <th scope="col">${c.from}</th>
                    <th scope="col">${c.to}</th>
                    <th scope="col">${c.channel}</th>
                    <th scope="col">${c.location}</th>
                    <th scope="col"><span class="visually-hidden">${c.actions}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${blocks.map((block, i) => this.renderBlock(block, i))}
                </tbody>
              </table>
            </div>`
          : html`<p class="notice">${t.noBlocks}</p>`}
        <button type="button" class="secondary small"
          @click=${() => (this.blocks = [...blocks, { weekday: 1, startTime: '09:00', endTime: '12:00', channel: 'video', locationId: null }])}>
          ${t.addBlock}
        </button>
        ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
        ${this.affected ? renderAffected(this.t, this.affected, this.names, (id) => this.navigate({ view: 'dossier', id })) : nothing}
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${this.busy ? this.t.common.saving : t.saveWeek}</button>
        </div>
      </form>
    </section>`;
  }

  private renderBlock(block: HoursBlock, i: number) {
    const t = this.t.hours;
    const c = t.columns;
    const name = t.block(i + 1);
    const err = (field: string) => this.errors[`hours.${i}.${field}`];
    const cellError = (field: string) => this.fieldError(`hours-${i}-${field}`, err(field));
    const invalid = (field: string) => (err(field) ? 'true' : 'false');
    const describedBy = (field: string) => (err(field) ? `hours-${i}-${field}-error` : nothing);
    return html`<tr data-block=${i}>
      <td>
        <select aria-label=${`${c.day}, ${name}`} @change=${(e: Event) => this.edit(i, { weekday: Number((e.target as HTMLSelectElement).value) })}>
          ${t.weekdays.map((day, d) => html`<option value=${d + 1} ?selected=${block.weekday === d + 1}>${day}</option>`)}
        </select>
      </td>
      <td>
        <input type="time" step="300" aria-label=${`${c.from}, ${name}`} .value=${block.startTime} aria-invalid=${invalid('startTime')} aria-describedby=${describedBy('startTime')}
          @change=${(e: Event) => this.edit(i, { startTime: (e.target as HTMLInputElement).value })} />
        ${cellError('startTime')}
      </td>
      <td>
        <input type="time" step="300" aria-label=${`${c.to}, ${name}`} .value=${block.endTime} aria-invalid=${invalid('endTime')} aria-describedby=${describedBy('endTime')}
          @change=${(e: Event) => this.edit(i, { endTime: (e.target as HTMLInputElement).value })} />
        ${cellError('endTime')}
      </td>
      <td>
        <select aria-label=${`${c.channel}, ${name}`} @change=${(e: Event) => this.edit(i, { channel: (e.target as HTMLSelectElement).value as HoursBlock['channel'] })}>
          <option value="video" ?selected=${block.channel === 'video'}>${this.t.agenda.video}</option>
          <option value="counter" ?selected=${block.channel === 'counter'}>${this.t.agenda.counterOnly}</option>
        </select>
      </td>
      <td>
        ${block.channel === 'counter'
          ? html`<select aria-label=${`${c.location}, ${name}`} aria-invalid=${invalid('locationId')} aria-describedby=${describedBy('locationId')}
              @change=${(e: Event) => this.edit(i, { locationId: (e.target as HTMLSelectElement).value })}>
              ${this.locations.map((l) => html`<option value=${l.id} ?selected=${block.locationId === l.id}>${l.name}</option>`)}
            </select>`
          : t.noLocation}
        ${cellError('locationId')}
      </td>
      <td>
        <button type="button" class="secondary small" @click=${() => (this.blocks = this.blocks!.filter((_, j) => j !== i))}>
          ${this.t.common.remove}<span class="visually-hidden"> ${name}</span>
        </button>
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-hours': BalieStaffHours;
  }
}
