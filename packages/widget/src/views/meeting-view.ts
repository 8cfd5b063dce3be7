import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type BalieApi } from '../api/client.ts';
import { localize, type AppointmentView, type FollowUp, type MeetingJoin, type MeetingParticipant } from '../api/types.ts';
import { SignallingClient } from '../call/signalling.ts';
import { MediaDevicesController } from '../controllers/media-devices.ts';
import { formatDate, whereText } from '../i18n/index.ts';
import { BalieView } from './balie-view.ts';
import './call-view.ts';
import './device-check-view.ts';
import './device-fallback-view.ts';
import type { FallbackChange } from './device-fallback-view.ts';
import type { DeviceChoice } from './device-check-view.ts';
import './feedback-view.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

type Step = 'welcome' | 'device' | 'device-done' | 'fallback' | 'lobby' | 'call' | 'left' | 'ended';
/** A safety net only: the server's MEETING-CHANGED notice on the signalling socket triggers a refresh at once. */
const POLL_MS = 10_000;
/** A remote participant as the call view reports them joining or leaving. */
type Who = { name: string; role: string };

/** Joining from the personal link: welcome → device check → waiting room → call → end and feedback. */
@customElement('balie-meeting-view')
export class BalieMeetingView extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  @property() token = '';
  @property({ attribute: false }) appointment!: AppointmentView;
  /** Opened from the device-test link: only the check, days before. */
  @property({ type: Boolean }) deviceOnly = false;

  @state() private step: Step = 'welcome';
  @state() private error = '';
  @state() private join?: MeetingJoin;
  @state() private participants: MeetingParticipant[] = [];
  @state() private nextSteps: string | null = null;
  @state() private followUp: FollowUp | null = null;
  /** The citizen asked for text when booking: the call opens real-time text (issue 14). */
  @state() private prefersText = false;
  /** TURN servers for the device test's relay check, when the meeting is open already. */
  @state() private iceServers: RTCIceServer[] = [];
  /** Whether this end screen (left or ended) offers the survey. */
  @state() private survey = false;

  private media = new MediaDevicesController(this);
  private signalling?: SignallingClient;
  private poll?: ReturnType<typeof setInterval>;
  private choice?: DeviceChoice;
  private callStartedAt = 0;
  /** As the server last said; the server refuses a second answer anyway. */
  private feedbackGiven = false;
  /** Offered once per visit: whoever skipped it and rejoins is not asked again on leaving. */
  private surveyOffered = false;

  protected override get api(): BalieApi {
    return super.api.withToken(this.token);
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.deviceOnly) this.step = 'device';
  }

  override firstUpdated() {
    void this.focusHeading();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.hangUp();
  }

  private go(step: Step) {
    this.step = step;
    this.error = '';
    void this.focusHeading();
  }

  /**
   * Just before the call the join hands out TURN credentials, so the device test can try the relay
   * route; days before (too early) or on any refusal the test measures the round trip only.
   */
  private async deviceCheck() {
    this.go('device');
    this.iceServers = (await this.api.joinMeeting().catch(() => undefined))?.iceServers ?? [];
  }

  private async checked(choice: DeviceChoice) {
    this.choice = choice;
    await this.api.reportDeviceCheck(choice).catch((error) => this.fail(error));
    this.emit('device-checked', choice);
    // A failed test offers the ways forward (issue 11) before the waiting room, and days before.
    if (choice.result === 'failed') this.go('fallback');
    else if (this.deviceOnly) this.go('device-done');
    else await this.enterLobby();
  }

  /** Audio only after a failed test: no camera is asked for in the call, and staff see why. */
  private async fallbackAudioOnly() {
    this.choice = { ...this.choice!, audioOnly: true, cameraId: undefined };
    if (!this.deviceOnly) await this.enterLobby();
  }

  /** The appointment became a phone call or moved to the counter: the root tells the page. */
  private fallbackChanged({ previous, appointment: a }: FallbackChange) {
    this.emit('rescheduled', { appointmentId: a.id, serviceId: a.serviceId, previousStart: previous.start, start: a.start, end: a.end, channel: a.channel, locationId: a.location?.id ?? null });
  }

  private async enterLobby() {
    this.go('lobby');
    try {
      this.join = await this.api.joinMeeting();
      await this.media.start({ audioOnly: this.choice?.audioOnly, cameraId: this.choice?.cameraId, microphoneId: this.choice?.microphoneId });
      this.signalling = SignallingClient.for(this.server, this.join);
      await this.signalling.connect();
      const signalling = this.signalling;
      signalling.addEventListener('close', () => void this.signallingLost(signalling));
      // Admission and arrivals come as a notice on the socket; the poll is only a safety net.
      signalling.addEventListener('meeting-changed', () => void this.refresh());
      this.emit('lobby-entered', this.join.role);
      this.announce(this.t.meeting.lobbyText);
      await this.refresh();
      this.poll = setInterval(() => void this.refresh(), POLL_MS);
    } catch (error) {
      this.signalling?.close();
      this.signalling = undefined;
      this.error = this.joinError(error);
    }
  }

  private reconnectTimer?: ReturnType<typeof setTimeout>;

  /**
   * The signalling socket closed. Staff ending the call closes it too, so ask the server first;
   * otherwise it was a network change or a server restart: join again. Admission belongs to the
   * person, so a participant who was in the call comes straight back in.
   */
  private async signallingLost(signalling: SignallingClient) {
    if (this.signalling !== signalling) return;
    await this.refresh();
    if (this.signalling === signalling && (this.step === 'call' || this.step === 'lobby')) this.reconnect();
  }

  private reconnect(attempt = 1) {
    this.hangUp();
    this.error = this.t.meeting.connecting;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      void this.enterLobby().then(() => {
        if (!this.signalling && attempt < 5) this.reconnect(attempt + 1);
      });
    }, Math.min(1000 * 2 ** attempt, 15_000));
  }

  private joinError(error: unknown) {
    if (error instanceof ApiError && error.code === 'too_early') {
      const opensAt = String(error.details.opensAt ?? '');
      return this.t.meeting.notYet(opensAt ? formatDate(opensAt, this.t, 'time') : '');
    }
    if (error instanceof ApiError && (error.code === 'meeting_closed' || error.code === 'meeting_ended')) return this.t.meeting.closed;
    if (error instanceof ApiError || !(error instanceof Error)) return this.fail(error);
    this.emit('failed', { code: error.message, status: 0 });
    return this.t.meeting.connectFailed;
  }

  private async refresh() {
    if (!this.join) return;
    try {
      const state = await this.api.meetingState(this.join);
      this.participants = state.participants;
      this.feedbackGiven = state.feedbackGiven;
      // Optional: an older server does not say.
      this.prefersText = state.prefersText === true;
      if (state.ended) {
        // Told already (the socket closed when staff ended it): the poll only brings the next steps
        // and the follow-up; ending again would take back the survey the end screen offered.
        if (this.step === 'ended') {
          this.nextSteps = state.nextSteps;
          this.followUp = state.followUp;
          return;
        }
        return this.finish('ended-by-staff', state.nextSteps, state.followUp);
      }
      if (state.admitted && this.step === 'lobby') {
        this.callStartedAt = Date.now();
        this.announce(this.t.meeting.admitted);
        this.emit('call-started', { role: this.join.role, startedAt: new Date().toISOString() });
        this.go('call');
      }
    } catch {
      // A missed poll on a weak connection is fine: the next one catches up.
    }
  }

  private hangUp() {
    clearInterval(this.poll);
    clearTimeout(this.reconnectTimer);
    this.signalling?.close();
    this.signalling = undefined;
    this.media.stop();
  }

  private finish(reason: 'ended-by-staff' | 'left', nextSteps: string | null = null, followUp: FollowUp | null = null) {
    const wasInCall = this.step === 'call';
    this.hangUp();
    this.nextSteps = nextSteps;
    this.followUp = followUp;
    if (wasInCall || reason === 'ended-by-staff') {
      this.emit('call-ended', { reason, durationSeconds: this.callStartedAt ? Math.round((Date.now() - this.callStartedAt) / 1000) : 0 });
    }
    // A citizen who hangs up before staff end the call is asked too (issue 11), once.
    this.survey = (wasInCall || reason === 'ended-by-staff') && !this.feedbackGiven && !this.surveyOffered;
    if (this.survey) this.surveyOffered = true;
    this.go(reason === 'ended-by-staff' ? 'ended' : 'left');
  }

  override render() {
    const t = this.t.meeting;
    const a = this.appointment;
    const errorBox = this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing;
    switch (this.step) {
      case 'welcome':
        return html`<h2 tabindex="-1" data-step-heading>${t.welcomeTitle}</h2>
          <p>${t.welcomeText(localize(a.service.texts, this.lang).name, formatDate(a.start, this.t))}</p>
          ${a.service.requiredDocuments.length
            ? html`<p>${this.t.manage.bring}</p><ul>${a.service.requiredDocuments.map((d) => html`<li>${localize(d.texts, this.lang).label}</li>`)}</ul>`
            : nothing}
          <p>${t.howItWorks}</p>
          <ol>${t.steps.map((s) => html`<li>${s}</li>`)}</ol>
          <div class="actions">
            <button class="secondary" @click=${() => this.emit('back')}>${this.t.common.back}</button>
            <button @click=${() => this.deviceCheck()}>${t.start}</button>
          </div>`;
      case 'device':
        return html`<balie-device-check .t=${this.t} .lang=${this.lang} .server=${this.server} .iceServers=${this.iceServers}
          @checked=${(e: CustomEvent<DeviceChoice>) => this.checked(e.detail)}></balie-device-check>`;
      case 'device-done':
        return html`<h2 tabindex="-1" data-step-heading>${t.checkPassed}</h2>
          <div class="actions"><button @click=${() => this.emit('back')}>${t.done}</button></div>`;
      case 'fallback':
        return html`<balie-device-fallback .t=${this.t} .lang=${this.lang} .server=${this.server} .token=${this.token} .appointment=${a}
          ?inCall=${!this.deviceOnly}
          @audio-only=${() => this.fallbackAudioOnly()}
          @changed=${(e: CustomEvent<FallbackChange>) => this.fallbackChanged(e.detail)}
          @retest=${() => this.go('device')}
          @continue=${() => this.enterLobby()}
          @back=${() => this.emit('back')}
          @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
          @failed=${(e: CustomEvent) => this.emit('failed', e.detail)}></balie-device-fallback>`;
      case 'lobby':
        return html`<h2 tabindex="-1" data-step-heading>${t.lobbyTitle}</h2>
          ${errorBox}
          ${this.error ? html`<div class="actions"><button @click=${() => this.enterLobby()}>${this.t.common.retry}</button></div>` : html`<p role="status">${t.lobbyText}</p>`}`;
      case 'call':
        return html`<h2 class="visually-hidden" tabindex="-1" data-step-heading>${localize(a.service.texts, this.lang).name}</h2>
          ${errorBox}
          <balie-call-view .t=${this.t} .lang=${this.lang} .server=${this.server} .join=${this.join!} .signalling=${this.signalling!}
            .media=${this.media} .participants=${this.participants} .speakerId=${this.choice?.speakerId}
            .documents=${{ kind: 'link', appointmentId: a.id, token: this.token }} .prefersText=${this.prefersText}
            @leave=${() => this.finish('left')}
            @participant-joined=${(e: CustomEvent<Who>) => this.participantChange('joined', e.detail)}
            @participant-left=${(e: CustomEvent<Who>) => this.participantChange('left', e.detail)}
            @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}></balie-call-view>`;
      case 'left':
        return html`<h2 tabindex="-1" data-step-heading>${t.leave}</h2>
          <div class="actions">
            <button @click=${() => this.enterLobby()}>${t.join}</button>
            <button class="secondary" @click=${() => this.emit('back')}>${this.t.common.back}</button>
          </div>
          ${this.renderSurvey()}`;
      case 'ended':
        return html`<h2 tabindex="-1" data-step-heading>${t.endedTitle}</h2>
          ${this.nextSteps ? html`<h3>${t.nextSteps}</h3><p class="next-steps">${this.nextSteps}</p>` : nothing}
          ${this.followUp
            ? html`<h3>${t.followUpTitle}</h3>
                <dl class="summary follow-up">
                  <dt>${this.t.booking.summaryService}</dt><dd>${localize(this.followUp.service.texts, this.lang).name}</dd>
                  <dt>${this.t.booking.summaryWhen}</dt><dd>${formatDate(this.followUp.start, this.t)}</dd>
                  <dt>${this.t.booking.summaryWhere}</dt><dd>${whereText(this.t, this.followUp.location)}</dd>
                </dl>
                <p>${t.followUpMail}</p>`
            : nothing}
          ${this.renderSurvey()}`;
    }
  }

  private renderSurvey() {
    if (!this.survey) return nothing;
    return html`<balie-feedback-view .t=${this.t} .lang=${this.lang} .server=${this.server} .token=${this.token}
      @submitted=${(e: CustomEvent<number>) => this.feedbackSubmitted(e.detail)}></balie-feedback-view>`;
  }

  private feedbackSubmitted(score: number) {
    this.feedbackGiven = true;
    this.emit('feedback', score);
  }

  private participantChange(kind: 'joined' | 'left', { name, role }: Who) {
    this.announce(kind === 'joined' ? this.t.meeting.joined(name) : this.t.meeting.left(name));
    this.emit(`participant-${kind}`, role);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-meeting-view': BalieMeetingView;
  }
}
