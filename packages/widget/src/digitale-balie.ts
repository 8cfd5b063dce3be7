import { LitElement, css, html, nothing } from 'lit';
import { BalieApi } from './api/client.ts';
import type { AppointmentView } from './api/types.ts';
import { BalieBookingCancelledEvent } from './events/booking-cancelled.ts';
import { BalieBookingConfirmedEvent, type BalieBookingConfirmedDetail } from './events/booking-confirmed.ts';
import type { BalieBookingRequestedEvent } from './events/booking-requested.ts';
import { BalieBookingRescheduledEvent, type BalieBookingRescheduledDetail } from './events/booking-rescheduled.ts';
import { BalieErrorEvent, type BalieErrorDetail } from './events/error.ts';
import { BalieReadyEvent } from './events/ready.ts';
import { BalieDeviceCheckCompletedEvent } from './events/device-check-completed.ts';
import { BalieLobbyEnteredEvent } from './events/lobby-entered.ts';
import { BalieCallStartedEvent } from './events/call-started.ts';
import { BalieParticipantJoinedEvent, type BalieParticipantJoinedDetail } from './events/participant-joined.ts';
import { BalieParticipantLeftEvent, type BalieParticipantLeftDetail } from './events/participant-left.ts';
import { BalieCallEndedEvent, type BalieCallEndedDetail } from './events/call-ended.ts';
import { BalieFeedbackSubmittedEvent } from './events/feedback-submitted.ts';
import { BalieUploadProgressEvent, type BalieUploadProgressDetail } from './events/upload-progress.ts';
import { BalieUploadCompletedEvent, type BalieUploadCompletedDetail } from './events/upload-completed.ts';
import { BalieDocumentReceivedEvent, type BalieDocumentReceivedDetail } from './events/document-received.ts';
import type { DeviceChoice } from './views/device-check-view.ts';
import { loadBookingMessages, loadMessages, resolveLang, supportedLangs, type BookingMessages, type Lang, type Messages } from './i18n/index.ts';
import { nlBooking } from './i18n/nl-booking.ts';
import { pageLinkToken } from './page-link.ts';
import { tokens } from './styles/tokens.ts';
import { languageSwitch, languageSwitchStyles } from './views/language-switch.ts';

/** Where the script came from: the default server, so the webmaster pastes no URL twice. */
const scriptOrigin = new URL(import.meta.url).origin;

type View = 'booking' | 'manage' | 'meeting';

/**
 * The citizen's digital counter: book an appointment, or manage one from the personal link.
 *
 * @summary Embeddable booking and appointment widget for a municipal website.
 * @event balie-ready - The texts and first view are loaded.
 * @event balie-booking-requested - Cancelable, just before a booking is sent: add `detail.metadata`, hold it with `waitUntil(promise)` (identity check, payment) or stop it with `preventDefault()`.
 * @event balie-booking-confirmed - An appointment was booked.
 * @event balie-booking-cancelled - The citizen cancelled from the personal link.
 * @event balie-booking-rescheduled - The citizen moved the appointment.
 * @event balie-device-check-completed - The device check finished (passed or failed, audio only or not).
 * @event balie-lobby-entered - The participant entered the waiting room.
 * @event balie-call-started - Staff admitted the participant; the call began.
 * @event balie-participant-joined - Another participant's audio/video arrived.
 * @event balie-participant-left - Another participant left.
 * @event balie-call-ended - The call ended (by staff, or the participant left).
 * @event balie-feedback-submitted - The anonymous feedback was sent.
 * @event balie-upload-progress - Bytes of a document upload reached the server.
 * @event balie-upload-completed - A document was sent and passed the server's checks (id, name, size, sha256).
 * @event balie-document-received - Someone else in the appointment added a document.
 * @event balie-error - Something failed; the citizen already sees a friendly message.
 * @csspart panel - The box around every view.
 * @csspart languages - The language switch (shown when the server offers more than one language).
 * @cssproperty --balie-color-primary - Buttons, links and selected choices.
 * @cssproperty --balie-color-primary-contrast - Text on primary buttons.
 * @cssproperty --balie-color-text - Body text.
 * @cssproperty --balie-color-background - Background of the panel.
 * @cssproperty --balie-color-surface - Background of notices and selected choices.
 * @cssproperty --balie-color-border - Borders of inputs and choices.
 * @cssproperty --balie-color-input-background - Background of text fields and lists.
 * @cssproperty --balie-color-error - Error texts and borders.
 * @cssproperty --balie-color-success - Borders of success notices.
 * @cssproperty --balie-color-muted - Hints and secondary texts.
 * @cssproperty --balie-color-panel-border - Border of the panel.
 * @cssproperty --balie-color-focus - Focus ring.
 * @cssproperty --balie-font-family - Font of every text.
 * @cssproperty --balie-font-size - Base font size.
 * @cssproperty --balie-radius - Corner radius of buttons, inputs and the panel.
 * @cssproperty --balie-space - Base spacing unit.
 */
export class DigitaleBalie extends LitElement {
  // Static properties instead of decorators: see BalieView. `attribute: false` beside `state: true`
  // (Lit implies it) keeps the internal states out of custom-elements.json's attributes.
  static override properties = {
    server: {},
    service: {},
    lang: { reflect: true },
    appointment: {},
    messages: { state: true, attribute: false },
    allMessages: { state: true, attribute: false },
    view: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    meeting: { state: true, attribute: false },
    offeredLangs: { state: true, attribute: false },
  };

  static override styles = [
    tokens,
    languageSwitchStyles,
    css`
      .panel {
        border: 1px solid var(--balie-color-panel-border, #d0d4d9);
        border-radius: var(--_radius);
        background: var(--balie-color-background, #ffffff);
        padding: calc(var(--_space) * 1.25);
        max-width: 44em;
      }
      @media (max-width: 480px) {
        .panel {
          padding: calc(var(--_space) * 0.75);
        }
      }
    `,
  ];

  /** Base URL of the Digitale Balie server. Default: the origin this script was loaded from. */
  server = scriptOrigin;

  /** Preselected service id, e.g. `mantelzorgpremie`: the service list is skipped. */
  service?: string;

  /** Language: `nl` (default), `fr`, `en` or `de`. Without it, the page's `lang` is used. */
  override lang = '';

  /**
   * Personal link token. Default: the `balie` query parameter of the page URL, which the widget then
   * removes from the address bar (kept for a reload of this tab).
   */
  appointment?: string;

  /**
   * The texts on screen: the booking ones until a view outside the booking journey needs them all. Dutch
   * comes straight from nl-booking.ts, not through i18n/index, so that the entry imports its chunk
   * directly: it loads beside Lit instead of a round trip after it.
   */
  private messages: BookingMessages = nlBooking;
  /** Every text, once the manage or meeting view is open (the same object as `messages` then). */
  private allMessages?: Messages;
  private view?: View;
  private announcement = '';
  private meeting?: { appointment: AppointmentView; deviceOnly: boolean };
  /** The languages the server offers (LANGUAGES); empty until known, or when it does not say. */
  private offeredLangs: Lang[] = [];

  private readonly pageParams = new URLSearchParams(globalThis.location?.search ?? '');
  /** `balie-stap` from the mailed link (e.g. `toestel` for the device test); used once. */
  private pageStep = this.pageParams.get('balie-stap') ?? undefined;

  /** The `lang` attribute always wins; the page's language only when the municipality offers it. */
  get activeLang(): Lang {
    if (this.lang) return resolveLang(this.lang);
    const page = resolveLang(this.parentElement?.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
    return this.offeredLangs.length && !this.offeredLangs.includes(page) ? this.offeredLangs[0]! : page;
  }

  private get token() {
    return this.appointment ?? pageLinkToken(this.server);
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.prepare();
  }

  override createRenderRoot() {
    const root = super.createRenderRoot();
    // The documents panel sits inside the manage and call views; its composed events end here.
    const forward = <T>(type: string, build: (detail: T) => Event) =>
      root.addEventListener(type, (e) => {
        e.stopPropagation();
        this.dispatchEvent(build((e as CustomEvent<T>).detail));
      });
    forward<BalieUploadProgressDetail>('documents-upload-progress', (d) => new BalieUploadProgressEvent(d));
    forward<BalieUploadCompletedDetail>('documents-upload-completed', (d) => new BalieUploadCompletedEvent(d));
    forward<BalieDocumentReceivedDetail>('documents-received', (d) => new BalieDocumentReceivedEvent(d));
    return root;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('lang') && this.hasUpdated) void this.loadTexts();
    if (changed.has('appointment') && this.hasUpdated) void this.prepare();
  }

  /** The booking texts for the booking view; every text for the others. */
  private async loadTexts(view = this.view) {
    if (view === 'booking') {
      this.messages = await loadBookingMessages(this.activeLang);
      this.allMessages = undefined;
    } else {
      this.allMessages = await loadMessages(this.activeLang);
      this.messages = this.allMessages;
    }
  }

  /**
   * The municipality's language policy. The API client is a static import: every visit asks for
   * the config first, and as a lazy chunk it was fetched only once the entry had run, a round trip
   * later on a slow line.
   */
  private async loadOfferedLangs() {
    const config = await new BalieApi(this.server).getConfig().catch(() => undefined);
    this.offeredLangs = supportedLangs.filter((lang) => config?.languages.includes(lang));
  }

  /** Loads the language policy, the texts and the one view chunk this visit needs. */
  private async prepare() {
    const view: View = this.token ? 'manage' : 'booking';
    await Promise.all([
      this.loadOfferedLangs().then(() => this.loadTexts(view)),
      view === 'manage' ? import('./views/manage-view.ts') : import('./views/booking-view.ts'),
      // The booking view's shared chunks, asked for with it rather than once it has arrived: a library
      // build emits no modulepreload, and on a slow line that level costs a round trip.
      ...(view === 'booking' ? [import('./views/balie-view.ts'), import('./views/slot-picker.ts')] : []),
    ]);
    this.view = view;
    await this.updateComplete;
    this.dispatchEvent(new BalieReadyEvent({ view, lang: this.activeLang }));
  }

  /** Opens the call (or only the device check); the call code is its own lazy chunk. */
  private async openMeeting(appointment: AppointmentView, deviceOnly: boolean) {
    await import('./views/meeting-view.ts');
    this.meeting = { appointment, deviceOnly };
    this.view = 'meeting';
  }

  private backToManage() {
    this.meeting = undefined;
    this.pageStep = undefined;
    this.view = 'manage';
  }

  private meetingEvent<T>(build: (appointmentId: string, detail: T) => Event) {
    return (e: CustomEvent<T>) => this.dispatchEvent(build(this.meeting!.appointment.id, e.detail));
  }

  private announce(text: string) {
    // Clear first so the same text is announced again.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  override render() {
    // The texts' language, for screen readers too, even when it differs from the host page's.
    return html`<div class="panel" part="panel" lang=${this.activeLang}>
      ${languageSwitch(this.offeredLangs, this.activeLang, (lang) => (this.lang = lang))}
      ${this.renderView()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    </div>`;
  }

  private renderView() {
    const common = { lang: this.activeLang, server: this.server };
    // The manage and meeting views read every text, so they wait for them (prepare loads them first).
    const all = this.allMessages;
    if (this.view === 'booking') {
      return html`<balie-booking-view
        .t=${this.messages}
        .lang=${common.lang}
        .server=${common.server}
        .serviceId=${this.service}
        @requested=${(e: CustomEvent<BalieBookingRequestedEvent>) => this.dispatchEvent(e.detail)}
        @booked=${(e: CustomEvent<{ detail: BalieBookingConfirmedDetail; token: string }>) =>
          this.dispatchEvent(new BalieBookingConfirmedEvent(e.detail.detail))}
        @manage=${(e: CustomEvent<{ token: string }>) => (this.appointment = e.detail.token)}
        @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
        @failed=${(e: CustomEvent<Omit<BalieErrorDetail, 'context'>>) =>
          this.dispatchEvent(new BalieErrorEvent({ ...e.detail, context: 'booking' }))}
      ></balie-booking-view>`;
    }
    if (this.view === 'manage' && all) {
      return html`<balie-manage-view
        .t=${all}
        .lang=${common.lang}
        .server=${common.server}
        .token=${this.token}
        .step=${this.pageStep}
        @join=${(e: CustomEvent<AppointmentView>) => this.openMeeting(e.detail, false)}
        @device-test=${(e: CustomEvent<AppointmentView>) => this.openMeeting(e.detail, true)}
        @cancelled=${(e: CustomEvent<AppointmentView>) =>
          this.dispatchEvent(new BalieBookingCancelledEvent({ appointmentId: e.detail.id, serviceId: e.detail.serviceId }))}
        @rescheduled=${(e: CustomEvent<BalieBookingRescheduledDetail>) => this.dispatchEvent(new BalieBookingRescheduledEvent(e.detail))}
        @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
        @failed=${(e: CustomEvent<Omit<BalieErrorDetail, 'context'>>) =>
          this.dispatchEvent(new BalieErrorEvent({ ...e.detail, context: 'manage' }))}
      ></balie-manage-view>`;
    }
    if (this.view === 'meeting' && this.meeting && all) {
      const m = this.meeting;
      return html`<balie-meeting-view
        .t=${all}
        .lang=${common.lang}
        .server=${common.server}
        .token=${this.token}
        .appointment=${m.appointment}
        .deviceOnly=${m.deviceOnly}
        @back=${this.backToManage}
        @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
        @rescheduled=${(e: CustomEvent<BalieBookingRescheduledDetail>) => this.dispatchEvent(new BalieBookingRescheduledEvent(e.detail))}
        @device-checked=${this.meetingEvent<DeviceChoice>((id, d) => new BalieDeviceCheckCompletedEvent({ appointmentId: id, result: d.result, audioOnly: d.audioOnly, parts: d.parts }))}
        @lobby-entered=${this.meetingEvent<'citizen' | 'companion'>((id, role) => new BalieLobbyEnteredEvent({ appointmentId: id, role }))}
        @call-started=${this.meetingEvent<{ role: 'citizen' | 'companion'; startedAt: string }>((id, d) => new BalieCallStartedEvent({ appointmentId: id, ...d }))}
        @participant-joined=${this.meetingEvent<BalieParticipantJoinedDetail['role']>((id, role) => new BalieParticipantJoinedEvent({ appointmentId: id, role }))}
        @participant-left=${this.meetingEvent<BalieParticipantLeftDetail['role']>((id, role) => new BalieParticipantLeftEvent({ appointmentId: id, role }))}
        @call-ended=${this.meetingEvent<Omit<BalieCallEndedDetail, 'appointmentId'>>((id, d) => new BalieCallEndedEvent({ appointmentId: id, ...d }))}
        @feedback=${this.meetingEvent<number>((id, score) => new BalieFeedbackSubmittedEvent({ appointmentId: id, score }))}
        @failed=${(e: CustomEvent<Omit<BalieErrorDetail, 'context'>>) => this.dispatchEvent(new BalieErrorEvent({ ...e.detail, context: 'meeting' }))}
      ></balie-meeting-view>`;
    }
    return html`<p>${this.messages.common.loading}</p>${nothing}`;
  }
}
customElements.define('digitale-balie', DigitaleBalie);

declare global {
  interface HTMLElementTagNameMap {
    'digitale-balie': DigitaleBalie;
  }
}
