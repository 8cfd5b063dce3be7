import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { StaffView } from './staff-view.ts';

/** Cancel an appointment with a message the citizen reads in the cancellation mail. */
@customElement('balie-staff-cancel')
export class BalieStaffCancel extends StaffView {
  @property() appointmentId = '';

  @state() private open = false;
  @state() private error = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const message = (this.renderRoot.querySelector<HTMLTextAreaElement>('#cancel-message')!).value.trim();
    if (!message) {
      this.error = this.t.errors.required;
      return;
    }
    this.busy = true;
    try {
      const dossier = await this.api.cancel(this.appointmentId, message);
      this.open = false;
      this.error = '';
      this.emit('cancelled', dossier);
      this.announce(this.t.dossier.cancelledText);
    } catch (error) {
      this.error = this.fieldTexts(error).message ?? this.errorText(error);
    } finally {
      this.busy = false;
    }
  }

  private async toggle(open: boolean) {
    this.open = open;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(open ? '#cancel-message' : '#cancel-toggle')?.focus();
  }

  override render() {
    const t = this.t.dossier;
    return html`<section aria-labelledby="cancel-heading">
      <h3 id="cancel-heading">${t.cancelTitle}</h3>
      ${this.open
        ? html`<form novalidate @submit=${this.submit}>
            <div class="field">
              <label for="cancel-message">${t.cancelMessage}</label>
              <p class="hint" id="cancel-hint">${t.cancelHint}</p>
              <textarea id="cancel-message" required aria-invalid=${this.error ? 'true' : 'false'}
                aria-describedby=${this.error ? 'cancel-hint cancel-message-error' : 'cancel-hint'}></textarea>
              ${this.fieldError('cancel-message', this.error)}
            </div>
            <div class="actions">
              <button type="submit" class="danger" ?disabled=${this.busy}>${t.cancelConfirm}</button>
              <button type="button" class="secondary" @click=${() => this.toggle(false)}>${this.t.common.back}</button>
            </div>
          </form>`
        : html`<button id="cancel-toggle" class="secondary" aria-expanded="false" @click=${() => this.toggle(true)}>${t.cancelTitle}</button>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-cancel': BalieStaffCancel;
  }
}
