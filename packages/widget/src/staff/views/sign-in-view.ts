import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api.ts';
import type { SignInOptions } from '@digitale-balie/contract';
import { StaffView } from './staff-view.ts';

/**
 * The municipality's identity provider ("Aanmelden met …", when OIDC is configured) and/or e-mail
 * and password; friendly texts for a wrong password and for a lockout with its wait time.
 */
@customElement('balie-staff-sign-in')
export class BalieStaffSignIn extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      form {
        max-width: 26em;
      }
    `,
  ];

  /** Why the user is here again: signed out, or the session expired. */
  @property() notice = '';

  @state() private error = '';
  @state() private busy = false;
  /** Until known, the password form shows (the server's default). */
  @state() private options: SignInOptions = { local: true, oidc: null };

  override connectedCallback() {
    super.connectedCallback();
    void this.api
      .signInOptions()
      .then((options) => (this.options = options))
      .catch(() => undefined);
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!email || !password) {
      this.error = this.t.signIn.missing;
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      this.emit('signed-in', await this.api.login(email, password));
    } catch (error) {
      this.error = this.signInError(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#password')?.select();
    } finally {
      this.busy = false;
    }
  }

  private signInError(error: unknown): string {
    if (error instanceof ApiError && error.code === 'invalid_credentials') return this.t.signIn.wrong;
    if (error instanceof ApiError && error.status === 429) {
      const seconds = Number(error.details.retryAfterSeconds) || 60;
      return this.t.signIn.locked(Math.max(1, Math.ceil(seconds / 60)));
    }
    return this.errorText(error);
  }

  override render() {
    const t = this.t.signIn;
    return html`${this.heading(t.title)}
      ${this.notice ? html`<p class="notice">${this.notice}</p>` : nothing}
      ${this.options.oidc
        ? html`<p><a class="button" data-oidc href=${this.options.oidc.startUrl}>${this.t.identity.signInWith(this.options.oidc.name)}</a></p>
            ${this.options.local ? html`<p>${this.t.identity.or}</p>` : nothing}`
        : nothing}
      ${this.options.local ? this.renderForm() : html`<p>${this.t.identity.localOff}</p>`}`;
  }

  private renderForm() {
    const t = this.t.signIn;
    return html`${this.options.oidc ? nothing : html`<p>${t.intro}</p>`}
      <form novalidate @submit=${this.submit}>
        ${this.error ? html`<p class="notice error-box" role="alert" id="sign-in-error">${this.error}</p>` : nothing}
        <div class="field">
          <label for="email">${t.email}</label>
          <input id="email" name="email" type="email" autocomplete="username" required
            aria-describedby=${this.error ? 'sign-in-error' : nothing} aria-invalid=${this.error ? 'true' : 'false'} />
        </div>
        <div class="field">
          <label for="password">${t.password}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required
            aria-describedby=${this.error ? 'sign-in-error' : nothing} aria-invalid=${this.error ? 'true' : 'false'} />
        </div>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? t.busy : t.submit}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-sign-in': BalieStaffSignIn;
  }
}
