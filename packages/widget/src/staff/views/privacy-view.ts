import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { formatWhen } from '../format.ts';
import type { ErasureRecord, PersonAppointment, PersonQuery } from '../types.ts';
import { StaffView } from './staff-view.ts';

/**
 * "Gegevens van een burger" (a beheerder only): find every appointment of one e-mail address or
 * phone number, download everything about that person as one zip, erase it, and read the record of
 * erasures. The server checks the role again; a medewerker never sees this view in the menu.
 */
@customElement('balie-staff-privacy')
export class BalieStaffPrivacy extends StaffView {
  @state() private query?: PersonQuery;
  @state() private found?: PersonAppointment[];
  @state() private errors: Record<string, string> = {};
  @state() private status = '';
  @state() private busy = false;
  @state() private confirmed = false;
  @state() private erasures?: ErasureRecord[];

  override connectedCallback() {
    super.connectedCallback();
    void this.loadErasures();
  }

  private async loadErasures() {
    try {
      this.erasures = (await this.api.erasures()).erasures;
    } catch {
      this.erasures = [];
    }
  }

  private async search(e: SubmitEvent) {
    e.preventDefault();
    const term = String(new FormData(e.target as HTMLFormElement).get('term') ?? '').trim();
    this.errors = {};
    this.status = '';
    this.confirmed = false;
    if (!term) {
      this.errors = { term: this.t.errors.required };
      return;
    }
    // An address has an @; anything else is read as a number (the server normalises it).
    const query: PersonQuery = term.includes('@') ? { email: term } : { phone: term };
    try {
      this.found = (await this.api.findPerson(query)).appointments;
      this.query = query;
      this.announce(this.found.length ? this.t.privacy.found(this.found.length) : this.t.privacy.nothingFound);
    } catch (error) {
      const fields = this.fieldTexts(error);
      this.errors = { term: fields.email ?? fields.phone ?? this.errorText(error) };
      this.found = undefined;
      this.query = undefined;
    }
  }

  private async download() {
    if (!this.query) return;
    this.busy = true;
    try {
      const { blob, name } = await this.api.exportPerson(this.query);
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: name });
      this.renderRoot.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.status = this.t.privacy.exported;
      this.announce(this.status);
    } catch (error) {
      this.status = this.errorText(error);
    } finally {
      this.busy = false;
    }
  }

  private async erase() {
    if (!this.query) return;
    if (!this.confirmed) {
      this.errors = { confirm: this.t.privacy.confirmNeeded };
      return;
    }
    this.busy = true;
    this.errors = {};
    try {
      const { erasure } = await this.api.erasePerson(this.query);
      this.status = this.t.privacy.erased(erasure.appointments, erasure.companions, erasure.documents);
      this.announce(this.status);
      this.found = undefined;
      this.query = undefined;
      this.confirmed = false;
      await this.loadErasures();
    } catch (error) {
      this.errors = { confirm: this.errorText(error) };
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const t = this.t.privacy;
    return html`${this.heading(t.title)}
      <p>${t.intro}</p>
      <form novalidate @submit=${this.search} class="toolbar">
        ${this.inputField('privacy', 'term', t.term, 'text', this.errors, { hint: t.termHint })}
        <button type="submit">${t.search}</button>
      </form>
      ${this.status ? html`<p class="notice success" role="status">${this.status}</p>` : nothing} ${this.renderFound()} ${this.renderErasures()}`;
  }

  private renderFound() {
    if (!this.found) return nothing;
    const t = this.t.privacy;
    if (!this.found.length) return html`<p data-found="0">${t.nothingFound}</p>`;
    return html`<section aria-labelledby="found-heading" data-found=${this.found.length}>
      <h3 id="found-heading">${t.found(this.found.length)}</h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>${Object.values(t.columns).map((label) => html`<th scope="col">${label}</th>`)}</tr>
          </thead>
          <tbody>
            ${this.found.map(
              (a) => html`<tr data-appointment=${a.appointmentId}>
                <th scope="row">${formatWhen(a.startAt, this.t.locale, 'short')}</th>
                <td>${a.service}</td>
                <td>${t.roles[a.role]}</td>
                <td>${a.name}</td>
                <td>${this.t.agenda.status[a.status]}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p><button type="button" ?disabled=${this.busy} @click=${this.download} data-export>${t.export}</button></p>
      <fieldset class="box">
        <legend>${t.eraseTitle}</legend>
        <p>${t.eraseWarning}</p>
        <label class="checkbox">
          <input
            type="checkbox"
            id="privacy-confirm"
            .checked=${this.confirmed}
            aria-invalid=${this.errors.confirm ? 'true' : 'false'}
            aria-describedby=${this.errors.confirm ? 'privacy-confirm-error' : nothing}
            @change=${(e: Event) => (this.confirmed = (e.target as HTMLInputElement).checked)}
          />
          ${t.confirm}
        </label>
        ${this.fieldError('privacy-confirm', this.errors.confirm)}
        <button type="button" class="danger" ?disabled=${this.busy} @click=${this.erase} data-erase>${t.erase}</button>
      </fieldset>
    </section>`;
  }

  private renderErasures() {
    const t = this.t.privacy;
    return html`<section aria-labelledby="erasures-heading">
      <h3 id="erasures-heading">${t.erasures}</h3>
      <p class="hint">${t.erasuresIntro}</p>
      ${this.erasures?.length
        ? html`<div class="table-wrap">
            <table data-erasures>
              <thead>
                <tr>${Object.values(t.erasureColumns).map((label) => html`<th scope="col">${label}</th>`)}</tr>
              </thead>
              <tbody>
                ${this.erasures.map(
                  (r) => html`<tr data-erasure=${r.id}>
                    <th scope="row">${formatWhen(r.at, this.t.locale, 'short')}</th>
                    <td>${r.staffName ?? r.staffId}</td>
                    <td>${r.appointments}</td>
                    <td>${r.companions}</td>
                    <td>${r.documents}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p>${t.noErasures}</p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-privacy': BalieStaffPrivacy;
  }
}
