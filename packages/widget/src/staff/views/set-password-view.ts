import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api.ts';
import { StaffView } from './staff-view.ts';

/** The server's minimum (packages/server/src/staff/policy.ts); it checks again. */
const MIN_PASSWORD = 10;

/**
 * Choosing a password from a one-time link (`npm run admin -- create` prints it): the first
 * beheerder of a new server, or an account that needs a new password. Emits `password-set` with the
 * account's e-mail address; the console then asks to sign in with it.
 */
@customElement('balie-staff-set-password')
export class BalieStaffSetPassword extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      form {
        max-width: 26em;
      }
    `,
  ];

  /** The link's token; the console took it out of the address bar. */
  @property({ attribute: false }) token = '';

  @state() private errors: Record<string, string> = {};
  @state() private linkError = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const t = this.t.account;
    this.errors = {};
    if (value('newPassword').length < MIN_PASSWORD) this.errors = { newPassword: this.t.errors.tooShort(MIN_PASSWORD) };
    else if (value('newPassword') !== value('repeat')) this.errors = { repeat: t.mismatch };
    if (Object.keys(this.errors).length) return this.focusFirstInvalid();
    this.busy = true;
    try {
      const { email } = await this.api.setPasswordWithLink(this.token, value('newPassword'));
      this.emit('password-set', email);
    } catch (error) {
      const fields = this.fieldTexts(error);
      if ((error instanceof ApiError && error.code === 'password_link_invalid') || fields.token) {
        this.linkError = this.t.setPassword.invalidLink;
      } else {
        this.errors = fields.newPassword ? { newPassword: fields.newPassword } : { newPassword: this.errorText(error) };
        await this.focusFirstInvalid();
      }
    } finally {
      this.busy = false;
    }
  }

  private async focusFirstInvalid() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  private field(name: string, label: string, hint?: string) {
    const id = `set-${name}`;
    const described = [hint ? `${id}-hint` : '', this.errors[name] ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : nothing}
      <input id=${id} name=${name} type="password" autocomplete="new-password" aria-invalid=${this.errors[name] ? 'true' : 'false'}
        aria-describedby=${described || nothing} />
      ${this.fieldError(id, this.errors[name])}
    </div>`;
  }

  override render() {
    const t = this.t.setPassword;
    if (this.linkError) {
      return html`${this.heading(t.title)}
        <p class="notice error-box" role="alert">${this.linkError}</p>`;
    }
    return html`${this.heading(t.title)}
      <p>${t.intro}</p>
      <form novalidate @submit=${this.submit}>
        ${this.field('newPassword', this.t.account.next, this.t.account.nextHint(MIN_PASSWORD))}
        ${this.field('repeat', this.t.account.repeat)}
        <button type="submit" ?disabled=${this.busy}>${t.submit}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-set-password': BalieStaffSetPassword;
  }
}
