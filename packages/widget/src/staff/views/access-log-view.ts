import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { formatWhen } from '../format.ts';
import type { AccessAction, AccessLogEntry, AccessLogQuery, Account } from '../types.ts';
import { StaffView } from './staff-view.ts';

const ACTIONS: AccessAction[] = ['dossier.opened', 'document.downloaded', 'export', 'erase', 'search'];

/**
 * The access log for a beheerder (issue 12): who of the staff opened which dossier, downloaded which
 * document, exported or erased, and when; filtered by staff member, action, dates and appointment,
 * newest first, older rows a page at a time. The server answers a medewerker 403, whatever this
 * view shows; the console only offers it to a beheerder.
 */
@customElement('balie-staff-access-log')
export class BalieStaffAccessLog extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      td.id {
        font-family: ui-monospace, monospace;
        font-size: 0.875em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @state() private accounts: Account[] = [];
  @state() private query: AccessLogQuery = {};
  @state() private entries?: AccessLogEntry[];
  @state() private next: number | null = null;
  @state() private error = '';
  @state() private fieldErrors: Record<string, string> = {};

  override connectedCallback() {
    super.connectedCallback();
    void this.api
      .accounts()
      .then((accounts) => (this.accounts = accounts))
      .catch(() => undefined); // the filter then offers "everyone" only
    void this.load({});
  }

  /** A new filter starts again at the newest rows; `more` appends the next page. */
  private async load(query: AccessLogQuery, more = false) {
    try {
      const page = await this.api.accessLog(more && this.next !== null ? { ...query, before: this.next } : query);
      this.query = query;
      this.entries = more ? [...(this.entries ?? []), ...page.entries] : page.entries;
      this.next = page.next;
      this.error = '';
      this.fieldErrors = {};
      if (!more) this.announce(`${this.t.accessLog.title}: ${page.entries.length}`);
    } catch (error) {
      this.error = this.errorText(error);
      this.fieldErrors = this.fieldTexts(error);
    }
  }

  private submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim() || undefined;
    void this.load({
      staffId: value('staffId'),
      action: value('action') as AccessAction | undefined,
      from: value('from'),
      to: value('to'),
      appointmentId: value('appointmentId'),
    });
  }

  override render() {
    const t = this.t.accessLog;
    const errors = this.fieldErrors;
    return html`${this.heading(t.title)}
      <p class="muted">${t.intro}</p>
      <form class="toolbar" @submit=${this.submit}>
        <div class="field">
          <label for="log-staff">${t.staff}</label>
          <select id="log-staff" name="staffId">
            <option value="">${t.allStaff}</option>
            ${this.accounts.map((a) => html`<option value=${a.id} ?selected=${this.query.staffId === a.id}>${a.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="log-action">${t.action}</label>
          <select id="log-action" name="action">
            <option value="">${t.allActions}</option>
            ${ACTIONS.map((a) => html`<option value=${a} ?selected=${this.query.action === a}>${t.actions[a]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="log-from">${t.from}</label>
          <input id="log-from" name="from" type="date" aria-invalid=${errors.from ? 'true' : 'false'} aria-describedby=${errors.from ? 'log-from-error' : nothing} />
          ${this.fieldError('log-from', errors.from)}
        </div>
        <div class="field">
          <label for="log-to">${t.to}</label>
          <input id="log-to" name="to" type="date" aria-invalid=${errors.to ? 'true' : 'false'} aria-describedby=${errors.to ? 'log-to-error' : nothing} />
          ${this.fieldError('log-to', errors.to)}
        </div>
        ${this.inputField('log', 'appointmentId', t.appointment, 'text', errors)}
        <button type="submit">${t.filter}</button>
      </form>
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${this.entries ? this.renderEntries(this.entries) : this.error ? nothing : html`<p>${this.t.common.loading}</p>`}`;
  }

  private renderEntries(entries: AccessLogEntry[]) {
    const t = this.t.accessLog;
    if (!entries.length) return html`<p class="muted">${t.empty}</p>`;
    return html`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">${t.title}</caption>
          <thead>
            <tr>
              <th scope="col">${t.when}</th>
              <th scope="col">${t.staff}</th>
              <th scope="col">${t.action}</th>
              <th scope="col">${t.appointment}</th>
              <th scope="col">${t.document}</th>
              <th scope="col">${t.detail}</th>
            </tr>
          </thead>
          <tbody>
            ${entries.map(
              (e) => html`<tr data-entry=${e.id}>
                <td>${formatWhen(e.at, this.t.locale, 'short')}</td>
                <td>${e.staffName ?? e.staffId}</td>
                <td>${t.actions[e.action] ?? e.action}</td>
                <td class="id">${e.appointmentId ?? ''}</td>
                <td class="id">${e.documentId ?? ''}</td>
                <td>${e.detail ?? ''}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.next !== null ? html`<p><button class="secondary" @click=${() => this.load(this.query, true)}>${t.more}</button></p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-access-log': BalieStaffAccessLog;
  }
}
