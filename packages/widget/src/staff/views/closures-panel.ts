import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatDay, today } from '../format.ts';
import type { Lookups } from '../names.ts';
import type { Account, AffectedAppointment, Closure } from '../types.ts';
import { affectedBy, renderAffected } from './affected-list.ts';
import { StaffView } from './staff-view.ts';

/** Closures (holidays, training days) for the whole municipality or one staff member. */
@customElement('balie-staff-closures')
export class BalieStaffClosures extends StaffView {
  @property({ attribute: false }) accounts: Account[] = [];
  @property({ attribute: false }) names!: Lookups;

  @state() private closures?: Closure[];
  @state() private errors: Record<string, string> = {};
  @state() private error = '';
  @state() private affected?: AffectedAppointment[];
  @state() private busy = false;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      const from = today();
      this.closures = (await this.api.closures()).filter((c) => c.dateTo >= from).sort((a, b) => a.dateFrom.localeCompare(b.dateFrom));
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private async add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    this.busy = true;
    this.errors = {};
    this.error = '';
    this.affected = undefined;
    try {
      await this.api.addClosure({ staffId: value('staffId') || null, dateFrom: value('dateFrom'), dateTo: value('dateTo'), reason: value('reason') });
      form.reset();
      this.announce(this.t.hours.closureAdded);
      await this.load();
    } catch (error) {
      this.affected = affectedBy(error);
      this.errors = this.fieldTexts(error);
      this.error = this.affected ? '' : this.errorText(error);
    } finally {
      this.busy = false;
    }
  }

  private async removeClosure(closure: Closure) {
    try {
      await this.api.removeClosure(closure.id);
      this.announce(this.t.hours.closureRemoved);
      await this.load();
      this.renderRoot.querySelector<HTMLElement>('#closures-heading')?.focus();
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private input(name: string, label: string, type: string) {
    const id = `closure-${name}`;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${type} required aria-invalid=${this.errors[name] ? 'true' : 'false'}
        aria-describedby=${this.errors[name] ? `${id}-error` : nothing} />
      ${this.fieldError(id, this.errors[name])}
    </div>`;
  }

  override render() {
    const t = this.t.hours;
    return html`<section aria-labelledby="closures-heading">
      <h3 id="closures-heading" tabindex="-1">${t.closures}</h3>
      ${this.closures ? this.renderList(this.closures) : nothing}
      <form novalidate @submit=${this.add}>
        <fieldset class="box">
          <legend>${t.addClosure}</legend>
          <div class="grid">
            <div class="field">
              <label for="closure-staffId">${t.closureFor}</label>
              <select id="closure-staffId" name="staffId">
                <option value="">${t.everyone}</option>
                ${this.accounts.map((m) => html`<option value=${m.id}>${m.name}</option>`)}
              </select>
            </div>
            ${this.input('dateFrom', t.from, 'date')} ${this.input('dateTo', t.to, 'date')} ${this.input('reason', t.reason, 'text')}
          </div>
          ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
          ${this.affected ? renderAffected(this.t, this.affected, this.names, (id) => this.navigate({ view: 'dossier', id })) : nothing}
          <button type="submit" ?disabled=${this.busy}>${t.addClosure}</button>
        </fieldset>
      </form>
    </section>`;
  }

  private renderList(closures: Closure[]) {
    const t = this.t.hours;
    if (!closures.length) return html`<p>${t.noClosures}</p>`;
    const day = (date: string) => formatDay(date, this.t.locale, true);
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">${t.from}</th>
            <th scope="col">${t.to}</th>
            <th scope="col">${t.closureFor}</th>
            <th scope="col">${t.reason}</th>
            <th scope="col"><span class="visually-hidden">${t.columns.actions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${closures.map(
            (c) => html`<tr>
              <th scope="row">${day(c.dateFrom)}</th>
              <td>${c.dateTo === c.dateFrom ? '' : day(c.dateTo)}</td>
              <td>${c.staffId ? this.names.staff(c.staffId) : t.everyone}</td>
              <td>${c.reason}</td>
              <td><button class="secondary small" aria-label=${t.removeClosure(c.reason)} @click=${() => this.removeClosure(c)}>${this.t.common.remove}</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-closures': BalieStaffClosures;
  }
}
