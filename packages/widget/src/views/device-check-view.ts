import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { MediaDevicesController } from '../controllers/media-devices.ts';
import { BalieView } from './balie-view.ts';

export interface DeviceChoice {
  result: 'passed' | 'failed';
  audioOnly: boolean;
  cameraId?: string;
  microphoneId?: string;
  speakerId?: string;
}

/**
 * The device check: ask for camera and microphone (with help when the browser blocks them), show a
 * preview, a live microphone meter, a speaker test, device choice and an audio-only option.
 */
@customElement('balie-device-check')
export class BalieDeviceCheck extends BalieView {
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
    `,
  ];

  private media = new MediaDevicesController(this);
  @state() private asked = false;
  @state() private speakerId = '';

  private async allow(audioOnly = false) {
    this.asked = true;
    await this.media.start({ audioOnly });
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video');
    if (video && this.media.stream) video.srcObject = this.media.stream;
    void this.focusHeading();
  }

  override firstUpdated() {
    void this.focusHeading();
  }

  override updated() {
    const video = this.renderRoot.querySelector('video');
    if (video && this.media.stream && video.srcObject !== this.media.stream) video.srcObject = this.media.stream;
  }

  private async choose(kind: 'audioinput' | 'videoinput', deviceId: string) {
    await this.media.switchDevice(kind, deviceId).catch(() => undefined);
  }

  private finish() {
    const stream = this.media.stream;
    const choice: DeviceChoice = {
      result: stream && !this.media.problem ? 'passed' : 'failed',
      audioOnly: this.media.audioOnly,
      cameraId: stream?.getVideoTracks()[0]?.getSettings().deviceId,
      microphoneId: stream?.getAudioTracks()[0]?.getSettings().deviceId,
      speakerId: this.speakerId || undefined,
    };
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
            <button class="secondary" @click=${() => m.playTestSound(this.speakerId)}>${t.testSound}</button>
          </p>
          <p class="hint">${t.testSoundHint}</p>
        </div>
      </div>
      ${m.audioOnly ? nothing : this.select('videoinput', t.camera, video?.getSettings().deviceId, (id) => this.choose('videoinput', id))}
      ${this.select('audioinput', t.microphone, audio?.getSettings().deviceId, (id) => this.choose('audioinput', id))}
      ${this.select('audiooutput', t.speaker, this.speakerId, (id) => (this.speakerId = id))}
      <label class="choice"><input type="checkbox" .checked=${m.audioOnly} @change=${(e: Event) => this.allow((e.target as HTMLInputElement).checked)} /> <span>${t.audioOnly}</span></label>
      <p class="notice success" role="status">${t.checkPassed}</p>
      <div class="actions"><button @click=${() => this.finish()}>${t.continue}</button></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-device-check': BalieDeviceCheck;
  }
}
