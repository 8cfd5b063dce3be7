import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localize } from '../../api/types.ts';
import { ApiError } from '../api.ts';
import { lookups } from '../names.ts';
import type { Account, AdminService, Role } from '../types.ts';
import { StaffView } from './staff-view.ts';

/** The server's minimum (packages/server/src/staff/policy.ts); it checks again. */
const MIN_PASSWORD = 10;

/** Change one's own password; a beheerder also sees the team and creates accounts. */
@customElement('balie-staff-account')
export class BalieStaffAccount extends StaffView {
  @state() private errors: Record<string, string> = {};
  @state() private status = '';
  @state() private accounts?: Account[];
  @state() private services: AdminService[] = [];
  @state() private createErrors: Record<string, string> = {};
  @state() private createStatus = '';

  override connectedCallback() {
    super.connectedCallback();
    if (this.isBeheerder) void this.loadTeam();
  }

  private async loadTeam() {
    [this.accounts, this.services] = await Promise.all([this.api.accounts(), this.api.services()]).catch(() => [[], []]);
  }

  private async changePassword(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const t = this.t.account;
    this.status = '';
    this.errors = {};
    if (!value('currentPassword')) this.errors = { currentPassword: this.t.errors.required };
    else if (value('newPassword').length < MIN_PASSWORD) this.errors = { newPassword: this.t.errors.tooShort(MIN_PASSWORD) };
    else if (value('newPassword') !== value('repeat')) this.errors = { repeat: t.mismatch };
    if (Object.keys(this.errors).length) return this.focusFirstInvalid();
    try {
      await this.api.changePassword(value('currentPassword'), value('newPassword'));
      form.reset();
      this.status = t.changed;
      this.announce(t.changed);
    } catch (error) {
      const fields = this.fieldTexts(error);
      if (fields.currentPassword) fields.currentPassword = t.wrongCurrent;
      this.errors = Object.keys(fields).length ? fields : { newPassword: this.errorText(error) };
      await this.focusFirstInvalid();
    }
  }

  private async createAccount(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '');
    this.createErrors = {};
    this.createStatus = '';
    try {
      await this.api.createAccount({
        name,
        email: String(data.get('email') ?? ''),
        role: String(data.get('role')) as Role,
        password: String(data.get('password') ?? ''),
        serviceIds: data.getAll('serviceIds').map(String),
      });
      form.reset();
      this.createStatus = this.t.account.created(name);
      this.announce(this.createStatus);
      await this.loadTeam();
    } catch (error) {
      const fields = this.fieldTexts(error);
      if (error instanceof ApiError && error.code === 'email_taken') fields.email = this.t.account.emailTaken;
      this.createErrors = Object.keys(fields).length ? fields : { name: this.errorText(error) };
      await this.focusFirstInvalid();
    }
  }

  private async focusFirstInvalid() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  override render() {
    const t = this.t.account;
    return html`${this.heading(t.title)}
      <section aria-labelledby="password-heading">
        <h3 id="password-heading">${t.password}</h3>
        ${this.status ? html`<p class="notice success">${this.status}</p>` : nothing}
        <form novalidate @submit=${this.changePassword}>
          <input type="email" name="username" autocomplete="username" .value=${this.me.email} hidden />
          ${this.inputField('password', 'currentPassword', t.current, 'password', this.errors, { autocomplete: 'current-password' })}
          ${this.inputField('password', 'newPassword', t.next, 'password', this.errors, { hint: t.nextHint(MIN_PASSWORD), autocomplete: 'new-password' })}
          ${this.inputField('password', 'repeat', t.repeat, 'password', this.errors, { autocomplete: 'new-password' })}
          <button type="submit">${t.change}</button>
        </form>
      </section>
      ${this.isBeheerder ? this.renderTeam() : nothing}`;
  }

  private renderTeam() {
    const t = this.t.account;
    const names = lookups(this.services, this.accounts ?? []);
    return html`<section aria-labelledby="team-heading">
      <h3 id="team-heading">${t.accounts}</h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>${Object.values(t.columns).map((label) => html`<th scope="col">${label}</th>`)}</tr>
          </thead>
          <tbody>
            ${(this.accounts ?? []).map(
              (m) => html`<tr>
                <th scope="row">${m.name} ${m.active ? nothing : html`<span class="muted">${t.inactive}</span>`}</th>
                <td>${m.email}</td>
                <td>${this.t.shell.roles[m.role]}</td>
                <td>${m.serviceIds.map(names.service).join(', ') || this.t.common.none}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.createStatus ? html`<p class="notice success">${this.createStatus}</p>` : nothing}
      <form novalidate @submit=${this.createAccount}>
        <fieldset class="box">
          <legend>${t.create}</legend>
          <div class="grid">
            ${this.inputField('new', 'name', t.name, 'text', this.createErrors)} ${this.inputField('new', 'email', t.email, 'email', this.createErrors)}
            <div class="field">
              <label for="new-role">${t.role}</label>
              <select id="new-role" name="role">
                ${(['medewerker', 'beheerder'] as const).map((role) => html`<option value=${role}>${this.t.shell.roles[role]}</option>`)}
              </select>
            </div>
            ${this.inputField('new', 'password', t.initialPassword, 'password', this.createErrors, { hint: t.nextHint(MIN_PASSWORD), autocomplete: 'new-password' })}
          </div>
          <fieldset>
            <legend>${t.services}</legend>
            ${this.services.map(
              (s) => html`<label class="checkbox"><input type="checkbox" name="serviceIds" value=${s.id} /> ${localize(s.texts, 'nl').name}</label>`,
            )}
          </fieldset>
          <button type="submit">${t.create}</button>
        </fieldset>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-account': BalieStaffAccount;
  }
}
