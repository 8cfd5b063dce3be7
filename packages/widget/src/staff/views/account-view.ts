import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
// A refused role change must put the select back: live() compares with the DOM, not the last render.
import { live } from 'lit/directives/live.js';
import { localize } from '../../api/types.ts';
import { ApiError } from '../api.ts';
import { lookups } from '../names.ts';
import type { Account, AdminService, Role } from '../types.ts';
import { formatWhen } from '../format.ts';
import './mfa-panel.ts';
import { StaffView } from './staff-view.ts';

/** The server's minimum (packages/server/src/staff/policy.ts); it checks again. */
const MIN_PASSWORD = 10;

/**
 * Change one's own password and two-step verification; a beheerder also sees the team, creates
 * accounts, changes roles, deactivates and reactivates, and makes a one-time password link.
 */
@customElement('balie-staff-account')
export class BalieStaffAccount extends StaffView {
  @state() private errors: Record<string, string> = {};
  @state() private status = '';
  @state() private accounts?: Account[];
  @state() private services: AdminService[] = [];
  @state() private createErrors: Record<string, string> = {};
  @state() private createStatus = '';
  /** What the last team action did (a role, (de)activation), or why it was refused. */
  @state() private teamStatus: { text: string; error: boolean } | undefined;
  /** A one-time password link, shown until the next action: the beheerder passes it on. */
  @state() private resetLink?: { name: string; url: string; expiresAt: string };

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

  private async teamAction(run: () => Promise<unknown>, done: string) {
    this.resetLink = undefined;
    try {
      await run();
      this.teamStatus = { text: done, error: false };
      this.announce(done);
    } catch (error) {
      const text = error instanceof ApiError && error.code === 'last_beheerder' ? this.t.identity.lastBeheerder : this.errorText(error);
      this.teamStatus = { text, error: true };
    }
    await this.loadTeam();
  }

  private setRole(member: Account, role: Role) {
    const t = this.t.identity;
    void this.teamAction(() => this.api.updateAccount(member.id, { role }), t.roleChanged(member.name, this.t.shell.roles[role]));
  }

  private setActive(member: Account, active: boolean) {
    const t = this.t.identity;
    void this.teamAction(() => this.api.updateAccount(member.id, { active }), active ? t.reactivated(member.name) : t.deactivated(member.name));
  }

  private async makeResetLink(member: Account) {
    this.teamStatus = undefined;
    try {
      const link = await this.api.passwordResetLink(member.id);
      this.resetLink = { name: member.name, ...link };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#reset-link')?.select();
    } catch (error) {
      this.teamStatus = { text: this.errorText(error), error: true };
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
      <balie-staff-mfa .t=${this.t} .api=${this.api} .me=${this.me} @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}></balie-staff-mfa>
      ${this.isBeheerder ? this.renderTeam() : nothing}`;
  }

  private statusText(m: Account) {
    const t = this.t.identity;
    const notes = [m.active ? t.statusActive : t.statusInactive, m.mustChangePassword ? t.mustChange : '', m.oidc ? t.viaProvider : '', m.totp ? t.twoFactor : ''];
    return notes.filter(Boolean).join(', ');
  }

  private renderResetLink(link: { name: string; url: string; expiresAt: string }) {
    const t = this.t.identity;
    return html`<div class="notice" data-reset-link-shown>
      <p><strong>${t.resetLinkFor(link.name)}</strong></p>
      <p>${t.resetLinkIntro(formatWhen(link.expiresAt, this.t.locale, 'full'))}</p>
      <label for="reset-link">${t.copyLink}</label>
      <input id="reset-link" type="text" readonly .value=${link.url} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
    </div>`;
  }

  private renderTeam() {
    const t = this.t.account;
    const names = lookups(this.services, this.accounts ?? []);
    return html`<section aria-labelledby="team-heading">
      <h3 id="team-heading">${t.accounts}</h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              ${Object.values(t.columns).map((label) => html`<th scope="col">${label}</th>`)}
              <th scope="col">${this.t.identity.status}</th>
              <th scope="col">${this.t.identity.actions}</th>
            </tr>
          </thead>
          <tbody>
            ${(this.accounts ?? []).map(
              (m) => html`<tr>
                <th scope="row">${m.name} ${m.active ? nothing : html`<span class="muted">${t.inactive}</span>`}</th>
                <td>${m.email}</td>
                <td>
                  <select aria-label=${this.t.identity.changeRole(m.name)} data-role=${m.id} .value=${live(m.role)}
                    @change=${(e: Event) => this.setRole(m, (e.target as HTMLSelectElement).value as Role)}>
                    ${(['medewerker', 'beheerder'] as const).map((role) => html`<option value=${role} ?selected=${m.role === role}>${this.t.shell.roles[role]}</option>`)}
                  </select>
                </td>
                <td>${m.serviceIds.map(names.service).join(', ') || this.t.common.none}</td>
                <td>${this.statusText(m)}</td>
                <td>
                  <button class="small ${m.active ? 'danger' : 'secondary'}" data-toggle-active=${m.id} @click=${() => this.setActive(m, !m.active)}>
                    ${m.active ? this.t.identity.deactivate : this.t.identity.reactivate}
                  </button>
                  ${m.active && !m.oidc
                    ? html`<button class="small secondary" data-reset-link=${m.id} @click=${() => this.makeResetLink(m)}>${this.t.identity.resetLink}</button>`
                    : nothing}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.teamStatus
        ? html`<p class="notice ${this.teamStatus.error ? 'error-box' : 'success'}" role=${this.teamStatus.error ? 'alert' : 'status'} data-team-status>${this.teamStatus.text}</p>`
        : nothing}
      ${this.resetLink ? this.renderResetLink(this.resetLink) : nothing}
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
