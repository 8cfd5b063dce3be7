import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import ky, { HTTPError } from 'ky';
import type { MeetingJoin, MeetingParticipant, StaffMeetingState } from '../api/types.ts';
import { SignallingClient } from '../call/signalling.ts';
import { MediaDevicesController } from '../controllers/media-devices.ts';
import { BalieView } from './balie-view.ts';
import './call-view.ts';
import { staffCallTexts } from './staff-call-texts.ts';
import { loadMessages } from '../i18n/index.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/** A safety net only: the server's MEETING-CHANGED notice on the signalling socket triggers a refresh at once. */
const POLL_MS = 10_000;
/** Tries to join again after the signalling socket was lost (a server restart, a network change). */
const RECONNECT_ATTEMPTS = 5;

/**
 * The civil servant's side of a call, opened from the dossier: joins as staff, shows who waits in
 * the waiting room (with a sound and a visual alert), admits them, runs the call and ends it with
 * next steps for the citizen. Same-origin, with the staff session cookie and CSRF header.
 */
@customElement('balie-staff-call')
export class BalieStaffCall extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  @property() appointmentId = '';
  @property() citizenName = '';
  @property() csrfToken = '';
  @property() csrfHeader = 'X-CSRF-Token';

  @state() private join?: MeetingJoin;
  @state() private waiting: MeetingParticipant[] = [];
  @state() private participants: MeetingParticipant[] = [];
  @state() private ended = false;
  /** The citizen asked for text when booking: the call opens real-time text (issue 14). */
  @state() private prefersText = false;
  @state() private error = '';

  private media = new MediaDevicesController(this);
  private signalling?: SignallingClient;
  private poll?: ReturnType<typeof setInterval>;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  private alerted = new Set<string>();

  private get http() {
    return ky.create({
      prefixUrl: `${this.server.replace(/\/$/, '')}/api/staff/appointments/${encodeURIComponent(this.appointmentId)}`,
      credentials: 'same-origin',
      headers: { [this.csrfHeader]: this.csrfToken },
      // Every request here reads or changes the meeting's presence: a load balancer sends it, by
      // this parameter, to the server instance holding the meeting's sockets (the meeting is the appointment).
      searchParams: { meeting: this.appointmentId },
      timeout: 15_000,
      retry: 0,
    });
  }

  private get texts() {
    return staffCallTexts[this.lang];
  }

  override willUpdate(changed: Map<string, unknown>) {
    // The call controls speak the citizen texts: load them in the console's language.
    if (changed.has('lang')) void loadMessages(this.lang).then((t) => (this.t = t));
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.hangUp();
  }

  private async start() {
    try {
      const join = await this.http.post('join').json<MeetingJoin>();
      await this.media.start();
      const signalling = SignallingClient.for(this.server || location.origin, join);
      this.signalling = signalling;
      await signalling.connect();
      // Hung up (the call ended, or the console left it) while joining: let go of what was just opened.
      if (!this.isConnected || this.signalling !== signalling) {
        signalling.close();
        this.media.stop();
        return;
      }
      signalling.addEventListener('meeting-changed', () => void this.refresh());
      signalling.addEventListener('close', () => void this.signallingLost(signalling));
      this.join = join;
      this.attempt = 0;
      this.error = '';
      await this.refresh();
      clearInterval(this.poll);
      this.poll = setInterval(() => void this.refresh(), POLL_MS);
    } catch (error) {
      // While reconnecting, a server that is not back yet is tried again; a refusal is final.
      const refused = error instanceof HTTPError && error.response.status < 500;
      if (this.attempt > 0 && this.attempt < RECONNECT_ATTEMPTS && !refused) this.reconnect();
      else this.error = this.fail(error);
    }
  }

  /**
   * The signalling socket closed without us closing it: the server restarted or the network changed.
   * The call view goes (its connections belong to the old peer id) and the console joins again; the
   * citizen's page does the same and, admitted already, comes straight back into the call.
   */
  private async signallingLost(signalling: SignallingClient) {
    if (this.signalling !== signalling) return;
    this.signalling = undefined;
    this.join = undefined;
    this.media.stop();
    await this.refresh();
    if (this.ended) return;
    this.announce(this.t.meeting.connecting);
    this.reconnect();
  }

  private reconnect() {
    this.attempt++;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.start(), Math.min(1000 * 2 ** this.attempt, 15_000));
  }

  private async refresh() {
    try {
      const state = await this.http.get('meeting').json<StaffMeetingState>();
      this.waiting = state.waiting;
      this.participants = state.participants;
      this.ended = state.ended;
      this.prefersText = state.prefersText === true;
      for (const w of state.waiting) {
        if (this.alerted.has(w.peerId)) continue;
        this.alerted.add(w.peerId);
        this.announce(this.texts.someoneWaits(w.name));
        void this.media.playTestSound();
      }
    } catch {
      // the next poll catches up
    }
  }

  private async admit(peerId?: string) {
    await this.http.post('admit', { json: peerId ? { peerId } : {} }).catch((error) => (this.error = this.fail(error)));
    await this.refresh();
  }

  private async end(event: SubmitEvent) {
    event.preventDefault();
    const nextSteps = String(new FormData(event.target as HTMLFormElement).get('nextSteps') ?? '').trim();
    try {
      await this.http.post('end', { json: nextSteps ? { nextSteps } : {} });
      this.ended = true;
      this.hangUp();
      this.announce(this.texts.ended);
      this.emit('ended', { appointmentId: this.appointmentId });
    } catch (error) {
      this.error = this.fail(error);
    }
  }

  private hangUp() {
    clearInterval(this.poll);
    clearTimeout(this.reconnectTimer);
    const signalling = this.signalling;
    this.signalling = undefined;
    signalling?.close();
    this.media.stop();
  }

  override render() {
    const s = this.texts;
    const errorBox = this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing;
    if (this.ended) {
      return html`<h2 tabindex="-1" data-step-heading>${s.ended}</h2>
        <div class="actions"><button @click=${() => this.emit('close')}>${s.close}</button></div>`;
    }
    return html`<h2 tabindex="-1" data-step-heading>${s.title(this.citizenName)}</h2>
      ${errorBox}
      <section class="notice" aria-labelledby="waiting-h" data-waiting=${this.waiting.length}>
        <h3 id="waiting-h">${s.waiting}</h3>
        ${this.waiting.length === 0
          ? html`<p>${s.nobodyWaiting}</p>`
          : html`<ul>${this.waiting.map((w) => html`<li>${w.name} (${this.t.meeting.roles[w.role]})
              <button @click=${() => this.admit(w.peerId)}>${s.admit(w.name)}</button></li>`)}</ul>
              ${this.waiting.length > 1 ? html`<button class="secondary" @click=${() => this.admit()}>${s.admitAll}</button>` : nothing}`}
      </section>
      ${this.join && this.signalling
        ? html`<balie-call-view .t=${this.t} .lang=${this.lang} .server=${this.server} .join=${this.join} .signalling=${this.signalling}
            .media=${this.media} .participants=${this.participants} .prefersText=${this.prefersText}
            .documents=${{ kind: 'staff', appointmentId: this.appointmentId, csrfHeader: this.csrfHeader, csrfToken: this.csrfToken }}
            @leave=${() => this.emit('close')} @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}
            @participant-joined=${(e: CustomEvent<{ name: string }>) => this.announce(this.t.meeting.joined(e.detail.name))}
            @participant-left=${(e: CustomEvent<{ name: string }>) => this.announce(this.t.meeting.left(e.detail.name))}></balie-call-view>`
        : html`<p>${this.t.meeting.connecting}</p>`}
      <form @submit=${this.end}>
        <div class="field">
          <label for="next-steps">${s.nextSteps}</label>
          <p class="hint" id="next-steps-hint">${s.nextStepsHint}</p>
          <textarea id="next-steps" name="nextSteps" rows="3" maxlength="4000" aria-describedby="next-steps-hint"></textarea>
        </div>
        <button type="submit" class="danger">${s.end}</button>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-call': BalieStaffCall;
  }
}
