import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DEVICE_PARTS, DeviceTestController, type DevicePart, type DeviceParts, type PartState } from '../controllers/device-test.ts';
import { canChooseSpeaker, MediaDevicesController } from '../controllers/media-devices.ts';
import { BalieView } from './balie-view.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

export interface DeviceChoice {
  result: 'passed' | 'failed';
  /** What each part of the test found; a part not (yet) tested is `skipped`. */
  parts: DeviceParts;
  audioOnly: boolean;
  cameraId?: string;
  microphoneId?: string;
  speakerId?: string;
}

const MARKS: Record<PartState, string> = { checking: '…', asking: '?', passed: '✓', failed: '✗', skipped: '–' };

/**
 * The device check: ask for camera and microphone (with help when the browser blocks them), show a
 * preview, a live microphone meter, a speaker test, device choice and an audio-only option. Each
 * part is really tested (issue 11), with help for the one that fails.
 */
@customElement('balie-device-check')
export class BalieDeviceCheck extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [
    ...BalieView.styles,
    css`
      video {
        width: 100%;
        max-width: 360px;
        aspect-ratio: 4 / 3;
        background: #222;
        border-radius: var(--_radius);
        transform: scaleX(-1);
      }
      meter {
        width: 100%;
        max-width: 360px;
        height: 1.25em;
      }
      .grid {
        display: grid;
        gap: var(--_space);
        grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
      }
      details {
        margin-bottom: 0.5em;
      }
      ul.parts {
        list-style: none;
        padding: 0;
      }
      ul.parts > li {
        margin-bottom: 0.5em;
      }
      .mark {
        display: inline-block;
        width: 1.5em;
        font-weight: bold;
      }
      [data-state='passed'] .mark {
        color: var(--_success);
      }
      [data-state='failed'] .mark {
        color: var(--_error);
      }
      ul.parts p {
        margin: 0.25em 0 0.25em 1.5em;
      }
      ul.parts button {
        margin-left: 1.5em;
      }
    `,
  ];

  /** TURN servers from the join, when the call is near enough to have them: the network part then tests the relay route too. */
  @property({ attribute: false }) iceServers: RTCIceServer[] = [];

  private media = new MediaDevicesController(this);
  private test = new DeviceTestController(this, this.media);
  @state() private asked = false;
  @state() private speakerId = '';

  private async allow(audioOnly = false) {
    this.asked = true;
    void this.test.testNetwork(() => this.api.ping(), this.iceServers);
    await this.media.start({ audioOnly });
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video');
    if (video && this.media.stream) video.srcObject = this.media.stream;
    void this.focusHeading();
    if (this.media.problem) return;
    void this.test.testCamera(video);
    this.test.testMicrophone();
  }

  private retry(part: DevicePart) {
    if (part === 'camera') void this.test.testCamera(this.renderRoot.querySelector('video'));
    else if (part === 'microphone') this.test.testMicrophone();
    else if (part === 'network') void this.test.testNetwork(() => this.api.ping(), this.iceServers);
  }

  override firstUpdated() {
    void this.focusHeading();
  }

  override willUpdate(changed: Map<string, unknown>) {
    // The TURN servers come with the join, which may answer after the citizen pressed "allow": test the relay route then.
    if (changed.has('iceServers') && this.asked && this.iceServers.length) void this.test.testNetwork(() => this.api.ping(), this.iceServers);
  }

  override updated() {
    const video = this.renderRoot.querySelector('video');
    if (video && this.media.stream && video.srcObject !== this.media.stream) video.srcObject = this.media.stream;
  }

  private async choose(kind: 'audioinput' | 'videoinput', deviceId: string) {
    await this.media.switchDevice(kind, deviceId).catch(() => undefined);
    this.retry(kind === 'audioinput' ? 'microphone' : 'camera');
  }

  private finish() {
    const stream = this.media.stream;
    const parts = this.media.problem
      ? { ...this.test.parts, camera: this.media.audioOnly ? 'skipped' : 'failed', microphone: 'failed' } satisfies DeviceParts
      : this.test.parts;
    const choice: DeviceChoice = {
      result: stream && !this.media.problem && !Object.values(parts).includes('failed') ? 'passed' : 'failed',
      parts,
      audioOnly: this.media.audioOnly,
      cameraId: stream?.getVideoTracks()[0]?.getSettings().deviceId,
      microphoneId: stream?.getAudioTracks()[0]?.getSettings().deviceId,
      speakerId: this.speakerId || undefined,
    };
    this.test.stop();
    this.media.stop();
    this.emit('checked', choice);
  }

  private select(kind: MediaDeviceKind, label: string, current: string | undefined, onChange: (id: string) => void) {
    const devices = this.media.devices.filter((d) => d.kind === kind);
    if (devices.length < 1) return nothing;
    return html`<div class="field">
      <label for="device-${kind}">${label}</label>
      <select id="device-${kind}" @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
        ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`)}
      </select>
    </div>`;
  }

  override render() {
    const t = this.t.meeting;
    const m = this.media;
    const problem = m.problem;
    if (!this.asked) {
      return html`<h2 tabindex="-1" data-step-heading>${t.deviceTitle}</h2>
        <p>${t.allowText}</p>
        <div class="actions">
          <button @click=${() => this.allow()}>${t.allow}</button>
          <button class="secondary" @click=${() => this.allow(true)}>${t.audioOnly}</button>
        </div>`;
    }
    if (problem) {
      const help = t.deniedHelp;
      return html`<h2 tabindex="-1" data-step-heading>${problem === 'denied' ? t.deniedTitle : t.deviceTitle}</h2>
        <div class="notice error-box" role="alert">
          ${problem === 'denied'
            ? html`<ul>${[help.chrome, help.firefox, help.safari, help.iphone, help.android].map((line) => html`<li>${line}</li>`)}</ul>`
            : html`<p>${problem === 'not-found' ? t.notFound : problem === 'in-use' ? t.inUse : problem === 'unsupported' ? t.unsupported : this.t.errors.generic}</p>`}
        </div>
        <div class="actions">
          <button @click=${() => this.allow(m.audioOnly)}>${this.t.common.retry}</button>
          ${m.audioOnly ? nothing : html`<button class="secondary" @click=${() => this.allow(true)}>${t.audioOnly}</button>`}
          <button class="secondary" @click=${() => this.finish()}>${t.continue}</button>
        </div>`;
    }
    const video = m.stream?.getVideoTracks()[0];
    const audio = m.stream?.getAudioTracks()[0];
    return html`<h2 tabindex="-1" data-step-heading>${t.deviceTitle}</h2>
      <div class="grid">
        <div>
          ${video ? html`<video autoplay playsinline muted aria-label=${t.camera}></video>` : html`<p class="notice">${t.audioOnlyOn}</p>`}
        </div>
        <div>
          <label for="level">${t.level}</label>
          <p class="hint">${t.levelHint}</p>
          <meter id="level" min="0" max="1" low="0.05" optimum="0.5" .value=${m.level}></meter>
          <p>
            <button class="secondary" @click=${() => this.test.playSound(this.speakerId)}>${t.testSound}</button>
          </p>
          ${this.test.soundPlayed
            ? // The answer stays on screen as a pressed button, so keyboard focus stays where it was.
              html`<p id="heard-question">${t.heardQuestion}</p>
                <div class="actions" role="group" aria-labelledby="heard-question">
                  <button aria-pressed=${this.test.state.speaker === 'passed'} @click=${() => this.test.heard(true)}>${t.yes}</button>
                  <button class="secondary" aria-pressed=${this.test.state.speaker === 'failed'} @click=${() => this.test.heard(false)}>${t.no}</button>
                </div>`
            : html`<p class="hint">${t.testSoundHint}</p>`}
        </div>
      </div>
      ${this.renderParts()}
      ${m.audioOnly ? nothing : this.select('videoinput', t.camera, video?.getSettings().deviceId, (id) => this.choose('videoinput', id))}
      ${this.select('audioinput', t.microphone, audio?.getSettings().deviceId, (id) => this.choose('audioinput', id))}
      ${this.renderSpeakerChoice()}
      <label class="choice"><input type="checkbox" .checked=${m.audioOnly} @change=${(e: Event) => this.allow((e.target as HTMLInputElement).checked)} /> <span>${t.audioOnly}</span></label>
      <div class="actions"><button @click=${() => this.finish()}>${t.continue}</button></div>`;
  }

  /** A speaker list where the engine can play on a chosen speaker and lists any; else where the sound goes (canChooseSpeaker). */
  private renderSpeakerChoice() {
    const t = this.t.meeting;
    const choice = canChooseSpeaker() ? this.select('audiooutput', t.speaker, this.speakerId, (id) => (this.speakerId = id)) : nothing;
    return choice === nothing ? html`<p class="hint" data-speaker="default">${t.speakerDefault}</p>` : choice;
  }

  /** Each part with its state, and for a failed part what to do about it. */
  private renderParts() {
    const t = this.t.meeting;
    const test = this.test;
    const summary = test.failed ? t.checkFailed : test.done ? t.checkPassed : t.testing;
    const help: Partial<Record<DevicePart, string>> = {
      camera: test.cameraProblem === 'no-frames' ? t.cameraNoFrames : t.cameraDark,
      microphone: t.microphoneSilent,
      speaker: t.speakerNotHeard,
      network:
        test.networkProblem === 'unreachable' ? t.networkUnreachable : test.networkProblem === 'no-relay' ? t.networkNoRelay : t.networkSlow(test.rttMs ?? 0),
    };
    return html`<ul class="parts">
        ${DEVICE_PARTS.map((part) => {
          const state = test.state[part];
          const speed = part === 'network' && state === 'passed' && test.rttMs !== undefined ? ` (${t.networkSpeed(test.rttMs)})` : '';
          return html`<li data-part=${part} data-state=${state}>
            <span class="mark" aria-hidden="true">${MARKS[state]}</span>${t.parts[part]}: ${t.partStates[state]}${speed}
            ${state === 'failed'
              ? html`<p class="error">${help[part]}</p>
                  ${part === 'speaker' ? nothing : html`<button class="secondary" @click=${() => this.retry(part)}>${t.retryPart(t.parts[part])}</button>`}`
              : nothing}
          </li>`;
        })}
      </ul>
      <p class="notice ${test.failed ? 'error-box' : test.done ? 'success' : ''}" role="status">${summary}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-device-check': BalieDeviceCheck;
  }
}
