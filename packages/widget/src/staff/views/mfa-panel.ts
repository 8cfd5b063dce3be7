import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { MfaStatus, TotpSetup } from '@digitale-balie/contract';
import { ApiError } from '../api.ts';
import { recoveryCodesList, totpSetupFigure } from './totp-parts.ts';
import { StaffView } from './staff-view.ts';

/** Two-step verification on the account page: its state, enrolling (QR code, first code, recovery codes) and turning it off. */
@customElement('balie-staff-mfa')
export class BalieStaffMfa extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
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

  @state() private status?: MfaStatus;
  @state() private setup?: TotpSetup;
  @state() private codes?: string[];
  @state() private errors: Record<string, string> = {};
  @state() private message = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    this.status = await this.api.mfa().catch(() => undefined);
  }

  private codeError(error: unknown) {
    if (error instanceof ApiError && error.status === 429) return this.t.signIn.locked(Math.max(1, Math.ceil((Number(error.details.retryAfterSeconds) || 60) / 60)));
    return error instanceof ApiError && error.fields.code ? this.t.identity.wrongCode : this.errorText(error);
  }

  private async start() {
    this.message = '';
    this.codes = undefined;
    this.setup = await this.api.totpSetup();
  }

  private async confirm(e: SubmitEvent) {
    e.preventDefault();
    const code = ((e.target as HTMLFormElement).elements.namedItem('code') as HTMLInputElement).value.trim();
    try {
      this.codes = (await this.api.totpConfirm(code)).recoveryCodes;
      this.setup = undefined;
      this.errors = {};
      this.announce(this.t.identity.mfaEnabled);
      await this.load();
    } catch (error) {
      this.errors = { code: this.codeError(error) };
    }
  }

  private async turnOff(e: SubmitEvent) {
    e.preventDefault();
    const code = ((e.target as HTMLFormElement).elements.namedItem('code') as HTMLInputElement).value.trim();
    try {
      await this.api.totpRemove(code);
      this.errors = {};
      this.message = this.t.identity.mfaRemoved;
      this.announce(this.message);
      await this.load();
    } catch (error) {
      this.errors = { code: this.codeError(error) };
    }
  }

  override render() {
    const t = this.t.identity;
    const status = this.status;
    if (!status) return nothing;
    return html`<section aria-labelledby="mfa-heading" data-mfa=${status.totp ? 'on' : 'off'}>
      <h3 id="mfa-heading">${t.mfaTitle}</h3>
      ${this.message ? html`<p class="notice success">${this.message}</p>` : nothing}
      ${status.provider
        ? html`<p>${t.mfaProvider}</p>`
        : html`<p>${status.totp ? t.mfaOn(status.recoveryCodesLeft) : t.mfaOff} ${status.required ? t.mfaRequired : nothing}</p>
            ${this.codes ? recoveryCodesList(t, this.codes) : nothing} ${this.setup ? this.renderSetup(this.setup) : this.renderActions(status)}`}
    </section>`;
  }

  private renderSetup(setup: TotpSetup) {
    const t = this.t.identity;
    return html`<p>${t.enrolIntro}</p>
      ${totpSetupFigure(t, setup)}
      <form novalidate @submit=${this.confirm}>
        ${this.inputField('mfa', 'code', t.confirmCode, 'text', this.errors, { hint: t.codeHint, autocomplete: 'one-time-code' })}
        <button type="submit">${t.enrolSubmit}</button>
        <button type="button" class="secondary" @click=${() => (this.setup = undefined)}>${t.cancel}</button>
      </form>`;
  }

  private renderActions(status: MfaStatus) {
    const t = this.t.identity;
    if (!status.totp) return html`<button data-mfa-start @click=${() => this.start()}>${t.mfaStart}</button>`;
    if (status.required) return nothing;
    return html`<form novalidate @submit=${this.turnOff}>
      ${this.inputField('mfa-off', 'code', t.code, 'text', this.errors, { hint: t.mfaRemoveHint, autocomplete: 'one-time-code' })}
      <button type="submit" class="secondary">${t.mfaRemove}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-mfa': BalieStaffMfa;
  }
}
