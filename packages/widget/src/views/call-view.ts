import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DocumentsAccess } from '../api/client.ts';
import type { MeetingJoin, MeetingParticipant } from '../api/types.ts';
import { PeerMesh, type ChatMessage } from '../call/peer-mesh.ts';
import { rttFor, type RttChannels } from '../call/rtt-channel.ts';
import type { SignallingClient } from '../call/signalling.ts';
import type { MediaDevicesController } from '../controllers/media-devices.ts';
import { NetworkQualityController } from '../controllers/network-quality.ts';
import { BalieView } from './balie-view.ts';
import { callStyles } from './call-view.styles.ts';
import './chat-panel.ts';
import './documents-panel.ts';
import './rtt-panel.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/**
 * The call: a tile per participant, controls (microphone, camera, screen, audio only, leave),
 * per-participant volume, chat over the data channel and a connection-quality indicator per
 * participant that lowers the video, then drops to audio only, when the connection stays weak
 * (controllers/network-quality.ts).
 */
@customElement('balie-call-view')
export class BalieCallView extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [...BalieView.styles, callStyles];

  @property({ attribute: false }) join!: MeetingJoin;
  @property({ attribute: false }) signalling!: SignallingClient;
  @property({ attribute: false }) media!: MediaDevicesController;
  /** Admitted participants as the server lists them; the mesh follows this list. */
  @property({ attribute: false }) participants: MeetingParticipant[] = [];
  @property({ attribute: false }) speakerId?: string;
  /** Opens the appointment's documents in the side column. */
  @property({ attribute: false }) documents?: DocumentsAccess;
  /** Someone of this appointment prefers text (booking option): real-time text opens for everyone. */
  @property({ attribute: false }) prefersText = false;

  @state() private remote = new Map<string, MediaStream>();
  @state() private micOn = true;
  @state() private camOn = true;
  @state() private sharing = false;
  @state() private audioOnly = false;
  @state() private messages: ChatMessage[] = [];
  @state() private failed = false;
  /** What each remote participant told us about their camera and microphone (data channel). */
  @state() private remoteMedia = new Map<string, { camera: boolean; microphone: boolean; audioOnly: boolean }>();
  @state() private rttOpen = false;

  private mesh?: PeerMesh;
  private rtt?: RttChannels;
  /** The participant closed real-time text: it is not opened for them again by itself. */
  private rttClosed = false;
  /** Remote participants as they joined, for announcing who left. */
  private joinedAs = new Map<string, { name: string; role: string }>();
  private readonly network = new NetworkQualityController(this, {
    connections: () => this.mesh?.connections() ?? [],
    wantsVideo: () => this.camOn && !this.audioOnly && Boolean(this.media.stream?.getVideoTracks().length),
    expectsVideoFrom: (peerId) => this.remoteMedia.get(peerId)?.camera === true,
    interpreter: () => this.participants.some((p) => p.companionRole === 'interpreter'),
    onChange: (change) => this.onNetwork(change),
  });
  private cameraTrack?: MediaStreamTrack;
  private shareTrack?: MediaStreamTrack;

  override connectedCallback() {
    super.connectedCallback();
    this.audioOnly = this.media.audioOnly;
    this.camOn = !this.audioOnly;
    const mesh = new PeerMesh({
      signalling: this.signalling,
      myId: this.join.peerId,
      iceServers: this.join.iceServers,
      stream: this.media.stream ?? new MediaStream(),
      ...(this.join.iceTransportPolicy ? { iceTransportPolicy: this.join.iceTransportPolicy } : {}),
    });
    this.mesh = mesh;
    this.rtt = rttFor(mesh);
    // Someone typing in real-time text opens it here too: they want to be read.
    this.rtt.addEventListener('change', () => this.offerText());
    mesh.addEventListener('stream', (e) => {
      const { participant, stream } = (e as CustomEvent).detail;
      this.remote = new Map(this.remote).set(participant.peerId, stream);
      const who = { name: participant.name || this.nameOf(participant.peerId), role: participant.role };
      this.joinedAs.set(participant.peerId, who);
      this.emit('participant-joined', who);
    });
    mesh.addEventListener('leave', (e) => {
      const { peerId } = (e as CustomEvent).detail;
      const next = new Map(this.remote);
      if (next.delete(peerId)) {
        this.remote = next;
        const media = new Map(this.remoteMedia);
        media.delete(peerId);
        this.remoteMedia = media;
        // The server's list may already have dropped them: say the name they joined with.
        this.emit('participant-left', this.joinedAs.get(peerId) ?? { name: this.nameOf(peerId), role: '' });
      }
    });
    mesh.addEventListener('media-state', (e) => {
      const { peerId, camera, microphone, audioOnly } = (e as CustomEvent<{ peerId: string; camera: boolean; microphone: boolean; audioOnly: boolean }>).detail;
      this.remoteMedia = new Map(this.remoteMedia).set(peerId, { camera, microphone, audioOnly });
    });
    mesh.addEventListener('chat', (e) => {
      const message = (e as CustomEvent<ChatMessage>).detail;
      this.messages = [...this.messages, message];
      this.announce(`${message.from}: ${message.text}`);
    });
    mesh.addEventListener('timeout', () => (this.failed = true));
    mesh.addEventListener('connect', () => (this.failed = false));
    mesh.addEventListener('ice-restart', () => this.announce(this.t.meeting.reconnecting));
    this.tellMediaState();
    mesh.sync(this.participants);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.rtt?.close();
    this.mesh?.close();
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('participants') && this.mesh) this.mesh.sync(this.participants);
    if (changed.has('prefersText') && this.prefersText) this.offerText();
  }

  override updated() {
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('video[data-peer]')) {
      const stream = video.dataset.peer === 'self' ? this.media.stream : this.remote.get(video.dataset.peer!);
      if (stream && video.srcObject !== stream) video.srcObject = stream;
      if (this.speakerId && 'setSinkId' in video) void (video as HTMLVideoElement & { setSinkId(id: string): Promise<void> }).setSinkId(this.speakerId).catch(() => {});
    }
  }

  private nameOf(peerId: string) {
    return this.participants.find((p) => p.peerId === peerId)?.name ?? '';
  }

  private roleOf(peerId: string) {
    const participant = this.participants.find((p) => p.peerId === peerId);
    if (participant?.companionRole) return this.t.booking.roles[participant.companionRole];
    return participant ? this.t.meeting.roles[participant.role] : '';
  }

  /** A disabled track still sends silence or black frames: the others are told it is off on purpose. */
  private tellMediaState() {
    const camera = this.camOn && !this.videoOff && Boolean(this.media.stream?.getVideoTracks().length);
    this.mesh?.sendMediaState({ camera, microphone: this.micOn, audioOnly: this.videoOff });
  }

  private toggleMic() {
    this.micOn = !this.micOn;
    this.media.stream?.getAudioTracks().forEach((t) => (t.enabled = this.micOn));
    this.tellMediaState();
  }

  private toggleCam() {
    this.camOn = !this.camOn;
    this.media.stream?.getVideoTracks().forEach((t) => (t.enabled = this.camOn));
    this.tellMediaState();
  }

  private async toggleShare() {
    const camera = this.media.stream?.getVideoTracks()[0];
    if (!this.sharing) {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true }).catch(() => undefined);
      const screen = display?.getVideoTracks()[0];
      if (!screen || !camera) return;
      this.cameraTrack = camera;
      this.mesh?.replaceTrack(camera, screen);
      screen.addEventListener('ended', () => void this.stopShare(screen));
      this.sharing = true;
      this.shareTrack = screen;
    } else if (this.shareTrack) await this.stopShare(this.shareTrack);
  }

  private async stopShare(screen: MediaStreamTrack) {
    if (this.cameraTrack) this.mesh?.replaceTrack(screen, this.cameraTrack);
    screen.stop();
    this.sharing = false;
  }

  /** Another camera or microphone mid-call: replaceTrack on every connection, no renegotiation. */
  private async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string) {
    const swapped = await this.media.switchDevice(kind, deviceId).catch(() => undefined);
    if (!swapped?.oldTrack) return;
    if (kind === 'audioinput') swapped.newTrack.enabled = this.micOn;
    else swapped.newTrack.enabled = this.camOn && !this.videoOff;
    // While the screen is shared the connections carry the screen: the new camera takes over when sharing stops.
    if (kind === 'videoinput' && this.sharing) this.cameraTrack = swapped.newTrack;
    else this.mesh?.replaceTrack(swapped.oldTrack, swapped.newTrack);
    this.requestUpdate();
  }

  private deviceSelect(kind: 'audioinput' | 'videoinput', label: string) {
    const devices = this.media.devices.filter((d) => d.kind === kind);
    if (devices.length < 2) return nothing;
    const current = (kind === 'audioinput' ? this.media.stream?.getAudioTracks() : this.media.stream?.getVideoTracks())?.[0]?.getSettings().deviceId;
    return html`<label class="device">
      <span>${label}</span>
      <select @change=${(e: Event) => this.switchDevice(kind, (e.target as HTMLSelectElement).value)}>
        ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`)}
      </select>
    </label>`;
  }

  private setAudioOnly(on: boolean) {
    this.audioOnly = on;
    this.media.stream?.getVideoTracks().forEach((t) => (t.enabled = !this.videoOff && this.camOn));
    this.tellMediaState();
    if (on) this.announce(this.t.meeting.audioOnlyOn);
  }

  /** No video goes out: chosen (audio only), or switched off by us on a weak line. */
  private get videoOff() {
    return this.audioOnly || this.network.autoAudioOnly;
  }

  /** The quality controller's news, said once (the live region reads the last text only). */
  private onNetwork(change: 'level' | 'audio-only' | 'video-back') {
    const t = this.t.meeting;
    if (change === 'level') return void (this.network.level && this.announce(t.quality[this.network.level]));
    this.videoFollows();
    this.announce(change === 'audio-only' ? t.autoAudioOnly : t.videoBack);
  }

  /** The camera track and what the others are told follow the chosen and the automatic audio only. */
  private videoFollows() {
    this.media.stream?.getVideoTracks().forEach((track) => (track.enabled = this.camOn && !this.videoOff));
    this.tellMediaState();
  }

  private tryVideo() {
    this.network.tryVideo();
    this.videoFollows();
  }

  /** Opens real-time text by itself, and says so; not again once the participant closed it. */
  private offerText() {
    if (this.rttOpen || this.rttClosed) return;
    this.rttOpen = true;
    this.announce(this.t.rtt.opened);
  }

  private async toggleText() {
    this.rttOpen = !this.rttOpen;
    this.rttClosed = !this.rttOpen;
    await this.updateComplete;
    if (this.rttOpen) await this.renderRoot.querySelector('balie-rtt-panel')?.focusInput();
  }

  private sendChat(text: string) {
    const message: ChatMessage = { kind: 'chat', from: this.join.name, text, at: new Date().toISOString() };
    this.mesh?.sendChat(message);
    this.messages = [...this.messages, { ...message, from: this.t.meeting.you }];
  }

  override render() {
    const t = this.t.meeting;
    const remotes = [...this.remote.keys()];
    return html`<section class="call">
      ${this.network.autoAudioOnly
        ? html`<p class="notice auto-audio-only">${t.autoAudioOnly} <button class="secondary" @click=${this.tryVideo}>${t.tryVideo}</button></p>`
        : nothing}
      ${this.failed ? html`<p class="notice error-box" role="alert">${t.connectFailed}</p>` : nothing}
      ${remotes.length === 0 ? html`<p class="notice">${t.connecting}</p>` : nothing}
      <div class="tiles" data-count=${remotes.length + 1}>
        ${repeat(
          remotes,
          (peerId) => peerId,
          (peerId) => html`<figure class="tile" data-camera=${this.remoteMedia.get(peerId)?.camera === false ? 'off' : 'on'}>
            <video data-peer=${peerId} autoplay playsinline></video>
            ${this.remoteMedia.get(peerId)?.camera === false
              ? html`<p class="camera-off">${this.remoteMedia.get(peerId)?.audioOnly ? this.t.fallback.remoteAudioOnly(this.nameOf(peerId)) : t.remoteCameraOff(this.nameOf(peerId))}</p>`
              : nothing}
            <figcaption>
              <span>${this.nameOf(peerId)} <span class="role">${this.roleOf(peerId)}</span>
                ${this.remoteMedia.get(peerId)?.microphone === false ? html`<span class="mic-off">${t.remoteMicOff}</span>` : nothing}</span>
              <span class="quality" data-quality=${this.network.levels.get(peerId) ?? 'unknown'}>${t.quality[this.network.levels.get(peerId) ?? 'unknown']}</span>
              <label class="volume">
                <span class="visually-hidden">${t.volume(this.nameOf(peerId))}</span>
                <input type="range" min="0" max="1" step="0.05" value="1"
                  @input=${(e: Event) => this.setVolume(peerId, Number((e.target as HTMLInputElement).value))} />
              </label>
            </figcaption>
          </figure>`,
        )}
        <figure class="tile self" data-camera=${this.camOn && !this.videoOff ? 'on' : 'off'}>
          <video data-peer="self" autoplay playsinline muted></video>
          ${this.camOn && !this.videoOff ? nothing : html`<p class="camera-off">${t.selfCameraOff}</p>`}
          <figcaption>${t.you}</figcaption>
        </figure>
      </div>
      <div class="controls" role="group" aria-label=${t.controls}>
        <button class="secondary" aria-pressed=${String(!this.micOn)} @click=${this.toggleMic}>${t.mute}</button>
        ${this.audioOnly ? nothing : html`<button class="secondary" aria-pressed=${String(!this.camOn)} @click=${this.toggleCam}>${t.cameraOff}</button>`}
        ${this.audioOnly
          ? nothing
          : 'getDisplayMedia' in (navigator.mediaDevices ?? {})
            ? html`<button class="secondary" aria-pressed=${String(this.sharing)} @click=${this.toggleShare}>${t.shareScreen}</button>`
            : // Safari on iPhone and iPad, and Chrome and Firefox on Android, have no getDisplayMedia: say
              // so where the button would be, rather than leave the citizen looking for it (issue 13).
              html`<span class="share-unavailable" data-share="unavailable">${t.shareScreenUnavailable}</span>`}
        <label class="choice inline"><input type="checkbox" .checked=${this.audioOnly} @change=${(e: Event) => this.setAudioOnly((e.target as HTMLInputElement).checked)} /> <span>${t.audioOnly}</span></label>
        ${this.deviceSelect('audioinput', t.microphone)} ${this.audioOnly ? nothing : this.deviceSelect('videoinput', t.camera)}
        <span class="quality" data-own-quality data-quality=${this.network.level ?? 'unknown'} data-relayed=${String(this.network.relayed)}>${t.quality[this.network.level ?? 'unknown']}</span>
        <button class="secondary" aria-expanded=${String(this.rttOpen)} data-rtt-toggle @click=${this.toggleText}>${this.t.rtt.open}</button>
        <button class="danger" @click=${() => this.emit('leave')}>${t.leave}</button>
      </div>
      ${this.rttOpen && this.rtt
        ? html`<balie-rtt-panel .t=${this.t} .rtt=${this.rtt} .participants=${this.participants} .selfId=${this.join.peerId}></balie-rtt-panel>`
        : nothing}
      <div class="side">
        <section aria-labelledby="participants-h">
          <h3 id="participants-h">${t.participants}</h3>
          <ul class="people">
            <li>${t.you} (${t.roles[this.join.role]})</li>
            ${this.participants
              .filter((p) => p.peerId !== this.join.peerId)
              .map((p) => html`<li>${p.name} (${this.roleOf(p.peerId)})</li>`)}
          </ul>
        </section>
        <balie-chat-panel .t=${this.t} .messages=${this.messages} @send=${(e: CustomEvent<string>) => this.sendChat(e.detail)}></balie-chat-panel>
        ${this.documents ? html`<balie-documents-panel .t=${this.t} .lang=${this.lang} .server=${this.server} .access=${this.documents} live
          @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}></balie-documents-panel>` : nothing}
      </div>
    </section>`;
  }

  private setVolume(peerId: string, volume: number) {
    const video = this.renderRoot.querySelector<HTMLVideoElement>(`video[data-peer="${CSS.escape(peerId)}"]`);
    if (video) video.volume = volume;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-call-view': BalieCallView;
  }
}
