import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localize, companionRoles, type CompanionRole, type Service } from '../api/types.ts';
import { BalieView } from './balie-view.ts';

export interface BookingDetails {
  citizen: { name: string; email: string; phone?: string };
  companion: { name: string; email: string; role: CompanionRole } | null;
  intake: Record<string, string>;
  /** "Ik gebruik liever tekst": real-time text opens in the call (issue 14). */
  prefersText?: boolean;
}


/**
 * The citizen's details. Checks with the browser's own constraint validation first, shows every
 * error next to its field and in a summary that takes focus; server field errors come in via `errors`.
 */
@customElement('balie-booking-form')
export class BalieBookingForm extends BalieView {
  @property({ attribute: false }) service?: Service;
  @property({ attribute: false }) value?: BookingDetails;
  /** Field errors by field name (`citizen.email`, `intake.adres`, …). */
  @property({ attribute: false }) errors: Record<string, string> = {};
  /** A phone appointment: the number is the one staff call, so it is required. */
  @property({ type: Boolean }) phoneRequired = false;
  /** A video appointment: the citizen may ask for real-time text in the call. */
  @property({ type: Boolean }) textOption = false;

  @state() private withCompanion = false;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('value') && this.value?.companion) this.withCompanion = true;
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('errors') && Object.keys(this.errors).length) {
      this.renderRoot.querySelector<HTMLElement>('.error-summary')?.focus();
    }
  }

  /** Field labels by name, so the error summary can say which field each error is about. */
  private readonly labels = new Map<string, string>();

  private field(name: string, label: string, type: string, opts: { value?: string; required?: boolean; hint?: string; autocomplete?: string } = {}) {
    this.labels.set(name, label);
    const error = this.errors[name];
    const hintId = `${name}-hint`;
    const errorId = `${name}-error`;
    return html`<div class="field">
      <label for=${name}>${label}${opts.required === false ? html` <span class="hint">${this.t.common.optional}</span>` : nothing}</label>
      ${opts.hint ? html`<p class="hint" id=${hintId}>${opts.hint}</p>` : nothing}
      ${type === 'textarea'
        ? html`<textarea id=${name} name=${name} rows="3" maxlength="2000" ?required=${opts.required !== false} aria-invalid=${error ? 'true' : 'false'} aria-describedby="${opts.hint ? hintId : ''} ${error ? errorId : ''}" .value=${opts.value ?? ''}></textarea>`
        : html`<input id=${name} name=${name} type=${type} maxlength=${type === 'tel' ? 32 : 254} autocomplete=${opts.autocomplete ?? 'off'} ?required=${opts.required !== false} aria-invalid=${error ? 'true' : 'false'} aria-describedby="${opts.hint ? hintId : ''} ${error ? errorId : ''}" .value=${opts.value ?? ''} />`}
      ${error ? html`<p class="error" id=${errorId}>${error}</p>` : nothing}
    </div>`;
  }

  override render() {
    const t = this.t.booking;
    const v = this.value;
    const errorEntries = Object.entries(this.errors);
    return html`<form novalidate @submit=${this.submit}>
      ${errorEntries.length
        ? html`<div class="notice error-box error-summary" tabindex="-1" role="alert">
            <p>${this.t.errors.summary}</p>
            <ul>${errorEntries.map(([name, text]) => html`<li><a href="#${name}" @click=${(e: Event) => this.focusField(e, name)}>${this.labels.get(name) ?? name}: ${text}</a></li>`)}</ul>
          </div>`
        : nothing}
      ${this.field('citizen.name', t.name, 'text', { value: v?.citizen.name, autocomplete: 'name' })}
      ${this.field('citizen.email', t.email, 'email', { value: v?.citizen.email, hint: t.emailHint, autocomplete: 'email' })}
      ${this.field('citizen.phone', t.phone, 'tel', {
        value: v?.citizen.phone,
        hint: this.phoneRequired ? t.phoneCallHint : t.phoneHint,
        required: this.phoneRequired,
        autocomplete: 'tel',
      })}
      ${this.service?.intake.length
        ? html`<fieldset>
            <legend>${t.intake}</legend>
            ${this.service.intake.map((q) =>
              this.field(`intake.${q.id}`, localize(q.texts, this.lang).label, 'textarea', { value: v?.intake[q.id], required: q.required }),
            )}
          </fieldset>`
        : nothing}
      <fieldset>
        <legend>${t.companionQuestion}</legend>
        <p class="hint">${t.companionHint}</p>
        <label class="choice"><input type="checkbox" name="with-companion" .checked=${this.withCompanion} @change=${(e: Event) => (this.withCompanion = (e.target as HTMLInputElement).checked)} /> <span>${t.companionQuestion}</span></label>
        ${this.withCompanion
          ? html`${this.field('companion.name', t.companionName, 'text', { value: v?.companion?.name })}
            ${this.field('companion.email', t.companionEmail, 'email', { value: v?.companion?.email })}
            <div class="field">
              <label for="companion.role">${t.companionRole}</label>
              <select id="companion.role" name="companion.role">
                ${companionRoles.map((role) => html`<option value=${role} ?selected=${v?.companion?.role === role}>${t.roles[role]}</option>`)}
              </select>
            </div>`
          : nothing}
      </fieldset>
      ${this.textOption
        ? html`<div class="field">
            <label class="choice"><input type="checkbox" name="prefers-text" aria-describedby="prefers-text-hint" .checked=${Boolean(v?.prefersText)} />
              <span>${this.t.rtt.prefer}</span></label>
            <p class="hint" id="prefers-text-hint">${this.t.rtt.preferHint}</p>
          </div>`
        : nothing}
      <div class="actions">
        <button type="button" class="secondary" @click=${() => this.emit('back')}>${this.t.common.back}</button>
        <button type="submit">${this.t.common.next}</button>
      </div>
    </form>`;
  }

  private focusField(event: Event, name: string) {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`)?.focus();
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const errors: Record<string, string> = {};
    for (const control of Array.from(form.elements) as HTMLInputElement[]) {
      if (!control.name || control.type === 'checkbox' || control.validity.valid) continue;
      errors[control.name] = control.validity.valueMissing ? this.t.errors.required : this.fieldText(control.name);
    }
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    for (const name of ['citizen.name', 'companion.name', ...(this.service?.intake.filter((q) => q.required).map((q) => `intake.${q.id}`) ?? [])]) {
      if (data.has(name) && !text(name)) errors[name] = this.t.errors.required;
    }
    this.errors = errors;
    if (Object.keys(errors).length) return;
    const details: BookingDetails = {
      citizen: { name: text('citizen.name'), email: text('citizen.email'), ...(text('citizen.phone') ? { phone: text('citizen.phone') } : {}) },
      companion: this.withCompanion
        ? { name: text('companion.name'), email: text('companion.email'), role: text('companion.role') as CompanionRole }
        : null,
      intake: Object.fromEntries(
        (this.service?.intake ?? []).map((q) => [q.id, text(`intake.${q.id}`)]).filter(([, answer]) => answer),
      ),
      ...(this.textOption && data.has('prefers-text') ? { prefersText: true } : {}),
    };
    this.emit('details', details);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-booking-form': BalieBookingForm;
  }
}
