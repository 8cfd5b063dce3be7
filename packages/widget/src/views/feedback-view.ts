import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BalieApi } from '../api/client.ts';
import { BalieView } from './balie-view.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/** The optional, anonymous survey after the call: a score from 1 to 5 and a comment. */
@customElement('balie-feedback-view')
export class BalieFeedbackView extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  @property() token = '';
  @state() private sent = false;
  @state() private error = '';

  protected override get api(): BalieApi {
    return super.api.withToken(this.token);
  }

  /** The form and its focused button go away: the thanks takes focus, so it is read out and nobody is lost. */
  private thank = () => {
    this.sent = true;
    void this.focusHeading();
  };

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const score = Number(data.get('score'));
    if (!score) {
      this.error = this.t.errors.required;
      return;
    }
    try {
      await this.api.sendFeedback(score, String(data.get('comment') ?? '').trim());
      this.thank();
      this.emit('submitted', score);
    } catch (error) {
      this.error = this.fail(error);
    }
  }

  override render() {
    const t = this.t.meeting;
    if (this.sent) return html`<p class="notice success" tabindex="-1" data-step-heading>${t.feedbackThanks}</p><p>${t.goodbye}</p>`;
    return html`<form novalidate @submit=${this.submit}>
      <fieldset>
        <legend>${t.feedbackTitle}</legend>
        <p class="hint">${t.feedbackQuestion}</p>
        ${t.scores.map((label, i) => html`<label class="choice"><input type="radio" name="score" value=${i + 1} /> <span>${label}</span></label>`)}
      </fieldset>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="field">
        <label for="comment">${t.feedbackComment}</label>
        <textarea id="comment" name="comment" rows="3" maxlength="2000"></textarea>
      </div>
      <div class="actions">
        <button type="submit">${t.feedbackSend}</button>
        <button type="button" class="secondary" @click=${this.thank}>${t.feedbackSkip}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-feedback-view': BalieFeedbackView;
  }
}
