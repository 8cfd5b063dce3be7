import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AppointmentView } from './api/types.ts';
import { BalieBookingCancelledEvent } from './events/booking-cancelled.ts';
import { BalieBookingConfirmedEvent, type BalieBookingConfirmedDetail } from './events/booking-confirmed.ts';
import { BalieBookingRescheduledEvent, type BalieBookingRescheduledDetail } from './events/booking-rescheduled.ts';
import { BalieErrorEvent, type BalieErrorDetail } from './events/error.ts';
import { BalieReadyEvent } from './events/ready.ts';
import { defaultMessages, loadMessages, resolveLang, type Lang, type Messages } from './i18n/index.ts';
import { tokens } from './styles/tokens.ts';

/** Where the script came from: the default server, so the webmaster pastes no URL twice. */
const scriptOrigin = new URL(import.meta.url).origin;

type View = 'booking' | 'manage';

/**
 * The citizen's digital counter: book an appointment, or manage one from the personal link.
 *
 * @summary Embeddable booking and appointment widget for a municipal website.
 * @event balie-ready - The texts and first view are loaded.
 * @event balie-booking-confirmed - An appointment was booked.
 * @event balie-booking-cancelled - The citizen cancelled from the personal link.
 * @event balie-booking-rescheduled - The citizen moved the appointment.
 * @event balie-error - Something failed; the citizen already sees a friendly message.
 * @csspart panel - The box around every view.
 * @cssproperty --balie-color-primary - Buttons, links and selected choices.
 * @cssproperty --balie-color-primary-contrast - Text on primary buttons.
 * @cssproperty --balie-color-text - Body text.
 * @cssproperty --balie-color-background - Background of the panel.
 * @cssproperty --balie-color-surface - Background of notices and selected choices.
 * @cssproperty --balie-color-border - Borders of inputs and choices.
 * @cssproperty --balie-color-error - Error texts and borders.
 * @cssproperty --balie-color-focus - Focus ring.
 * @cssproperty --balie-font-family - Font of every text.
 * @cssproperty --balie-font-size - Base font size.
 * @cssproperty --balie-radius - Corner radius of buttons, inputs and the panel.
 * @cssproperty --balie-space - Base spacing unit.
 */
@customElement('digitale-balie')
export class DigitaleBalie extends LitElement {
  static override styles = [
    tokens,
    css`
      .panel {
        border: 1px solid var(--balie-color-panel-border, #d0d4d9);
        border-radius: var(--_radius);
        background: var(--balie-color-background, #ffffff);
        padding: calc(var(--_space) * 1.25);
        max-width: 44rem;
      }
      @media (max-width: 480px) {
        .panel {
          padding: calc(var(--_space) * 0.75);
        }
      }
    `,
  ];

  /** Base URL of the Digitale Balie server. Default: the origin this script was loaded from. */
  @property() server = scriptOrigin;

  /** Preselected service id, e.g. `mantelzorgpremie`: the service list is skipped. */
  @property() service?: string;

  /** Language: `nl` (default), `fr`, `en` or `de`. Without it, the page's `lang` is used. */
  @property({ reflect: true }) override lang = '';

  /** Personal link token. Default: the `balie` query parameter of the page URL. */
  @property() appointment?: string;

  @state() private messages: Messages = defaultMessages;
  @state() private view?: View;
  @state() private announcement = '';

  private readonly pageParams = new URLSearchParams(globalThis.location?.search ?? '');

  get activeLang(): Lang {
    return resolveLang(this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
  }

  private get token() {
    return this.appointment ?? this.pageParams.get('balie') ?? undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.prepare();
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('lang') && this.hasUpdated) void this.loadTexts();
    if (changed.has('appointment') && this.hasUpdated) void this.prepare();
  }

  private async loadTexts() {
    this.messages = await loadMessages(this.activeLang);
  }

  /** Loads the texts and the one view chunk this visit needs. */
  private async prepare() {
    const view: View = this.token ? 'manage' : 'booking';
    await Promise.all([
      this.loadTexts(),
      view === 'manage' ? import('./views/manage-view.ts') : import('./views/booking-view.ts'),
    ]);
    this.view = view;
    await this.updateComplete;
    this.dispatchEvent(new BalieReadyEvent({ view, lang: this.activeLang }));
  }

  private announce(text: string) {
    // Clear first so the same text is announced again.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  override render() {
    return html`<div class="panel" part="panel">
      ${this.renderView()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    </div>`;
  }

  private renderView() {
    const common = { t: this.messages, lang: this.activeLang, server: this.server };
    if (this.view === 'booking') {
      return html`<balie-booking-view
        .t=${common.t}
        .lang=${common.lang}
        .server=${common.server}
        .serviceId=${this.service}
        @booked=${(e: CustomEvent<{ detail: BalieBookingConfirmedDetail; token: string }>) =>
          this.dispatchEvent(new BalieBookingConfirmedEvent(e.detail.detail))}
        @manage=${(e: CustomEvent<{ token: string }>) => (this.appointment = e.detail.token)}
        @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
        @failed=${(e: CustomEvent<Omit<BalieErrorDetail, 'context'>>) =>
          this.dispatchEvent(new BalieErrorEvent({ ...e.detail, context: 'booking' }))}
      ></balie-booking-view>`;
    }
    if (this.view === 'manage') {
      return html`<balie-manage-view
        .t=${common.t}
        .lang=${common.lang}
        .server=${common.server}
        .token=${this.token}
        @cancelled=${(e: CustomEvent<AppointmentView>) =>
          this.dispatchEvent(new BalieBookingCancelledEvent({ appointmentId: e.detail.id, serviceId: e.detail.serviceId }))}
        @rescheduled=${(e: CustomEvent<BalieBookingRescheduledDetail>) => this.dispatchEvent(new BalieBookingRescheduledEvent(e.detail))}
        @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
        @failed=${(e: CustomEvent<Omit<BalieErrorDetail, 'context'>>) =>
          this.dispatchEvent(new BalieErrorEvent({ ...e.detail, context: 'manage' }))}
      ></balie-manage-view>`;
    }
    return html`<p>${this.messages.common.loading}</p>${nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digitale-balie': DigitaleBalie;
  }
}
