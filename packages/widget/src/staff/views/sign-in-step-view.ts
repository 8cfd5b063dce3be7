import { css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SignInStep, TotpSetup } from '@digitale-balie/contract';
import { ApiError } from '../api.ts';
import type { SessionInfo } from '../types.ts';
import { recoveryCodesList, totpSetupFigure } from './totp-parts.ts';
import { StaffView } from './staff-view.ts';

/** The server's minimum (packages/server/src/staff/policy.ts); it checks again. */
const MIN_PASSWORD = 10;

/**
 * What a sign-in still needs after a right password, one step at a time: the code from the app (or
 * a recovery code), a password of one's own instead of a temporary one, or enrolling the app when
 * the server requires it. Emits `signed-in` with the session once nothing is pending.
 */
@customElement('balie-staff-sign-in-step')
export class BalieStaffSignInStep extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      form {
        max-width: 26em;
      }
      .qr {
        width: 14em;
        height: 14em;
        background: #fff;
      }
      .secret {
        font-family: monospace;
        word-break: break-all;
      }
    `,
  ];

  @property({ attribute: false }) step: SignInStep = 'totp';

  @state() private errors: Record<string, string> = {};
  @state() private recovery = false;
  @state() private busy = false;
  @state() private setup?: TotpSetup;
  /** Shown once after enrolment, before the console opens. */
  @state() private codes?: { recoveryCodes: string[]; session: SessionInfo };

  override updated(changed: Map<string, unknown>) {
    if (changed.has('step') && this.step === 'totp-enrol' && !this.setup) void this.loadSetup();
  }

  private async loadSetup() {
    try {
      this.setup = await this.api.totpSetup();
    } catch (error) {
      this.errors = { code: this.errorText(error) };
    }
  }

  private async run(form: HTMLFormElement, action: (value: (name: string) => string) => Promise<void>) {
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    this.busy = true;
    this.errors = {};
    try {
      await action(value);
    } catch (error) {
      this.errors = this.stepErrors(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private stepErrors(error: unknown): Record<string, string> {
    const field = this.step === 'password' ? 'newPassword' : this.recovery ? 'recoveryCode' : 'code';
    if (error instanceof ApiError && error.status === 429) {
      const seconds = Number(error.details.retryAfterSeconds) || 60;
      return { [field]: this.t.signIn.locked(Math.max(1, Math.ceil(seconds / 60))) };
    }
    if (error instanceof ApiError && (error.code === 'invalid_code' || (this.step !== 'password' && error.fields.code))) return { [field]: this.t.identity.wrongCode };
    const fields = this.fieldTexts(error);
    if (fields.currentPassword) fields.currentPassword = this.t.account.wrongCurrent;
    return Object.keys(fields).length ? fields : { [field]: this.errorText(error) };
  }

  private submitCode(e: SubmitEvent) {
    e.preventDefault();
    void this.run(e.target as HTMLFormElement, async (value) => {
      const session = await this.api.totpSignIn(this.recovery ? { recoveryCode: value('recoveryCode') } : { code: value('code') });
      this.emit('signed-in', session);
    });
  }

  private submitPassword(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const raw = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    if (raw('newPassword').length < MIN_PASSWORD) this.errors = { newPassword: this.t.errors.tooShort(MIN_PASSWORD) };
    else if (raw('newPassword') !== raw('repeat')) this.errors = { repeat: this.t.account.mismatch };
    else return void this.run(form, async () => this.emit('signed-in', await this.api.choosePassword(raw('currentPassword'), raw('newPassword'))));
  }

  private submitEnrol(e: SubmitEvent) {
    e.preventDefault();
    void this.run(e.target as HTMLFormElement, async (value) => {
      this.codes = await this.api.totpConfirm(value('code'));
      await this.focusHeading();
    });
  }

  override render() {
    const t = this.t.identity;
    if (this.codes) {
      const session = this.codes.session;
      return html`${this.heading(t.recoveryTitle)} ${recoveryCodesList(t, this.codes.recoveryCodes)}
        <button @click=${() => this.emit('signed-in', session)}>${t.recoveryDone}</button>`;
    }
    return html`${this.renderStep()}
      <p><button class="secondary small" data-cancel-sign-in @click=${() => this.emit('cancel')}>${t.cancel}</button></p>`;
  }

  private renderStep() {
    const t = this.t.identity;
    switch (this.step) {
      case 'totp':
        return html`${this.heading(t.totpTitle)}
          <p>${this.recovery ? t.recoveryHint : t.totpIntro}</p>
          <form novalidate @submit=${this.submitCode}>
            ${this.recovery
              ? this.inputField('step', 'recoveryCode', t.recoveryCode, 'text', this.errors)
              : this.inputField('step', 'code', t.code, 'text', this.errors, { hint: t.codeHint, autocomplete: 'one-time-code' })}
            <button type="submit" ?disabled=${this.busy}>${t.verify}</button>
          </form>
          <p>
            <button class="secondary small" @click=${() => ((this.recovery = !this.recovery), (this.errors = {}))}>${this.recovery ? t.useCode : t.useRecovery}</button>
          </p>`;
      case 'password':
        return html`${this.heading(t.passwordTitle)}
          <p>${t.passwordIntro}</p>
          <form novalidate @submit=${this.submitPassword}>
            <input type="email" name="username" autocomplete="username" .value=${this.me?.email ?? ''} hidden />
            ${this.inputField('step', 'currentPassword', this.t.account.current, 'password', this.errors, { autocomplete: 'current-password' })}
            ${this.inputField('step', 'newPassword', this.t.account.next, 'password', this.errors, { hint: this.t.account.nextHint(MIN_PASSWORD), autocomplete: 'new-password' })}
            ${this.inputField('step', 'repeat', this.t.account.repeat, 'password', this.errors, { autocomplete: 'new-password' })}
            <button type="submit" ?disabled=${this.busy}>${t.passwordSubmit}</button>
          </form>`;
      case 'totp-enrol':
        return html`${this.heading(t.enrolTitle)}
          <p>${t.enrolRequired}</p>
          ${this.renderEnrol()}`;
    }
  }

  private renderEnrol() {
    const t = this.t.identity;
    if (!this.setup) return this.errors.code ? html`<p class="notice error-box" role="alert">${this.errors.code}</p>` : html`<p>${this.t.common.loading}</p>`;
    return html`<p>${t.enrolIntro}</p>
      ${totpSetupFigure(t, this.setup)}
      <form novalidate @submit=${this.submitEnrol}>
        ${this.inputField('step', 'code', t.confirmCode, 'text', this.errors, { hint: t.codeHint, autocomplete: 'one-time-code' })}
        <button type="submit" ?disabled=${this.busy}>${t.enrolSubmit}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-sign-in-step': BalieStaffSignInStep;
  }
}
