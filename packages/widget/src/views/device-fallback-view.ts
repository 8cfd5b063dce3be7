import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type BalieApi } from '../api/client.ts';
import type { AppointmentView, Channel, Slot } from '../api/types.ts';
import { formatDate } from '../i18n/index.ts';
import { BalieView } from './balie-view.ts';
import './channel-switch.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

type Mode = 'choose' | 'phone' | 'counter' | 'done';

/** What the root hears when the appointment changed: the same detail as a switch from the manage view. */
export interface FallbackChange {
  previous: AppointmentView;
  appointment: AppointmentView;
}

/**
 * The ways forward when the device test failed (issue 11), in plain words: go on with audio only,
 * be called on the phone at the same time, or come to the counter (the same service, a free time
 * there). Only the ways the service offers are shown, and only the person who booked can change
 * the appointment. Emits `audio-only`, `changed` (FallbackChange), `retest`, `continue` (into the
 * call as it is) and `back`.
 */
@customElement('balie-device-fallback')
export class BalieDeviceFallback extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [
    ...BalieView.styles,
    css`
      ul.ways {
        list-style: none;
        padding: 0;
        display: grid;
        gap: var(--_space);
      }
      ul.ways p {
        margin: 0.25em 0 0;
      }
    `,
  ];

  /** The personal link token. */
  @property() token = '';
  @property({ attribute: false }) appointment!: AppointmentView;
  /** On the way into the call (not the device-test link days before): going on as it is stays possible. */
  @property({ type: Boolean }) inCall = false;

  @state() private mode: Mode = 'choose';
  @state() private channels: Channel[] = [];
  @state() private error = '';
  @state() private phoneError = '';
  @state() private busy = false;
  @state() private counterSlot?: Slot;
  @state() private done = '';

  protected override get api(): BalieApi {
    return super.api.withToken(this.token);
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.loadChannels();
  }

  override firstUpdated() {
    void this.focusHeading();
  }

  /** A way the service does not offer is not shown, so no button leads nowhere. */
  private async loadChannels() {
    if (this.appointment.role !== 'citizen') return;
    this.channels = (await this.api.getService(this.appointment.serviceId).catch(() => undefined))?.channels ?? [];
  }

  private go(mode: Mode) {
    this.mode = mode;
    this.error = '';
    this.phoneError = '';
    this.counterSlot = undefined;
    void this.focusHeading();
  }

  private async audioOnly() {
    // A companion goes on with audio only too; the flag on the appointment is the citizen's to set.
    if (this.appointment.role === 'citizen') await this.api.chooseFallback('audio-only').catch((error: unknown) => this.fail(error));
    this.emit('audio-only');
    if (this.inCall) return;
    this.finish(`${this.t.fallback.audioOnlyDone(formatDate(this.appointment.start, this.t))}`);
  }

  private finish(text: string) {
    this.done = text;
    this.announce(text);
    this.go('done');
  }

  private changed(appointment: AppointmentView) {
    const previous = this.appointment;
    this.appointment = appointment;
    this.emit('changed', { previous, appointment } satisfies FallbackChange);
  }

  private async callMe(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('phone') as HTMLInputElement;
    // libphonenumber-js and its metadata load only now: they stay out of the booking chunk.
    const { readPhone } = await import('../phone-number.ts');
    const phone = readPhone(input.value.trim());
    this.phoneError = phone ? '' : this.t.errors.phone;
    if (!phone) return input.focus();
    this.busy = true;
    try {
      const switched = await this.api.switchToPhone(phone.number);
      const { phone: number, ...appointment } = switched;
      this.changed(appointment);
      this.finish(`${this.t.fallback.phoneDone(number, formatDate(appointment.start, this.t))} ${this.t.fallback.mailSent}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        this.phoneError = this.t.errors.phone;
        input.focus();
      } else this.error = this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private async toCounter() {
    const slot = this.counterSlot!;
    this.busy = true;
    try {
      const moved = await this.api.reschedule(slot);
      this.changed(moved);
      // The appointment moved; the flag only tells staff why, so a failure here does not undo it.
      await this.api.chooseFallback('counter').catch((error: unknown) => this.fail(error));
      const where = moved.location ? `${moved.location.name}, ${moved.location.address}` : '';
      this.finish(`${this.t.fallback.counterDone(formatDate(moved.start, this.t), where)} ${this.t.fallback.mailSent}`);
    } catch (error) {
      this.error = this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const t = this.t.fallback;
    const errorBox = this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing;
    const back = html`<button type="button" class="secondary" @click=${() => this.go('choose')}>${this.t.common.back}</button>`;
    switch (this.mode) {
      case 'phone':
        return html`<h2 tabindex="-1" data-step-heading>${t.phoneTitle}</h2>${errorBox}
          <form novalidate @submit=${this.callMe}>
            <div class="field">
              <label for="fallback-phone">${t.phoneLabel}</label>
              <p class="hint" id="fallback-phone-hint">${t.phoneFieldHint}</p>
              <input id="fallback-phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" required maxlength="32"
                aria-invalid=${this.phoneError ? 'true' : 'false'} aria-describedby="fallback-phone-hint fallback-phone-error" />
              ${this.phoneError ? html`<p class="error" id="fallback-phone-error">${this.phoneError}</p>` : nothing}
            </div>
            <div class="actions">${back}<button type="submit" ?disabled=${this.busy}>${t.phoneConfirm}</button></div>
          </form>`;
      case 'counter':
        return html`<h2 tabindex="-1" data-step-heading>${t.counterTitle}</h2>${errorBox}
          <balie-channel-switch .t=${this.t} .lang=${this.lang} .server=${this.server} .serviceId=${this.appointment.serviceId} channel="counter"
            @select=${(e: CustomEvent<Slot | undefined>) => (this.counterSlot = e.detail)}
            @failed=${(e: CustomEvent) => this.emit('failed', e.detail)}></balie-channel-switch>
          <div class="actions">
            ${back}
            <button ?disabled=${!this.counterSlot || this.busy} @click=${this.toCounter}>${this.counterSlot ? t.counterConfirm(formatDate(this.counterSlot.start, this.t)) : t.counter}</button>
          </div>`;
      case 'done':
        return html`<h2 tabindex="-1" data-step-heading>${this.done}</h2>
          <div class="actions"><button @click=${() => this.emit('back')}>${this.t.meeting.done}</button></div>`;
      default:
        return this.renderChoices(errorBox);
    }
  }

  private renderChoices(errorBox: unknown) {
    const t = this.t.fallback;
    const citizen = this.appointment.role === 'citizen';
    const way = (label: string, hint: string, run: () => void) =>
      html`<li><button class="secondary" @click=${run}>${label}</button><p class="hint">${hint}</p></li>`;
    return html`<h2 tabindex="-1" data-step-heading>${this.t.meeting.checkFailedDone}</h2>${errorBox}
      <p>${citizen ? t.intro : t.companionOnlyAudio}</p>
      <ul class="ways">
        ${way(t.audioOnly, t.audioOnlyHint, () => void this.audioOnly())}
        ${citizen && this.channels.includes('phone') ? way(t.phone, t.phoneHint, () => this.go('phone')) : nothing}
        ${citizen && this.channels.includes('counter') ? way(t.counter, t.counterHint, () => this.go('counter')) : nothing}
      </ul>
      <div class="actions">
        <button class="secondary" @click=${() => this.emit('retest')}>${this.t.meeting.testAgain}</button>
        ${this.inCall
          ? html`<button class="secondary" @click=${() => this.emit('continue')}>${t.continueAnyway}</button>`
          : html`<button class="secondary" @click=${() => this.emit('back')}>${this.t.meeting.done}</button>`}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-device-fallback': BalieDeviceFallback;
  }
}
