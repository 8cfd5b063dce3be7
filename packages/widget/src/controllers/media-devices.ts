import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'unsupported' | 'other';

/**
 * Whether sound can be sent to a speaker the citizen picks: only where media elements have
 * `setSinkId` (the call plays the other side through one). Chromium has it; Firefox has it since
 * 116 (ESR 153 here) but lists speakers only once the microphone is allowed; WebKit (Safari,
 * WebKitGTK) has none. Elsewhere sound plays on the default speaker and the device check says so.
 * https://w3c.github.io/mediacapture-output/#dom-htmlmediaelement-setsinkid
 */
export const canChooseSpeaker = () => 'setSinkId' in HTMLMediaElement.prototype;

/**
 * Camera and microphone as a Lit reactive controller: opens the stream, lists devices, measures the
 * microphone level for a meter, switches devices, and stops every track when the host goes away.
 */
export class MediaDevicesController implements ReactiveController {
  stream?: MediaStream;
  devices: MediaDeviceInfo[] = [];
  problem?: MediaProblem;
  /** Microphone level, 0..1, updated about ten times a second while metering. */
  level = 0;
  audioOnly = false;

  private audio?: AudioContext;
  private meterTimer?: ReturnType<typeof setInterval>;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    this.stop();
  }

  async start(opts: { audioOnly?: boolean; cameraId?: string; microphoneId?: string } = {}) {
    this.stopTracks();
    this.problem = undefined;
    this.audioOnly = Boolean(opts.audioOnly);
    // A browser with cameras but without WebRTC cannot call either: WebKitGTK as Debian 12 builds it
    // (2.50) has getUserMedia and no RTCPeerConnection. Say so at the device check, not in a call that
    // never connects (issue 13).
    if (!navigator.mediaDevices?.getUserMedia || typeof globalThis.RTCPeerConnection !== 'function') {
      this.problem = 'unsupported';
      this.host.requestUpdate();
      return;
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: opts.microphoneId ? { deviceId: { exact: opts.microphoneId } } : true,
        video: this.audioOnly ? false : opts.cameraId ? { deviceId: { exact: opts.cameraId } } : { width: { ideal: 640 }, height: { ideal: 480 } },
      });
      this.devices = await navigator.mediaDevices.enumerateDevices();
      this.meter();
    } catch (error) {
      const name = (error as DOMException).name;
      this.problem =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'denied'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'not-found'
            : name === 'NotReadableError'
              ? 'in-use'
              : 'other';
    }
    this.host.requestUpdate();
  }

  /** Opens another camera or microphone; returns the old and new track so calls can replaceTrack. */
  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string) {
    if (!this.stream) return undefined;
    const constraints = kind === 'audioinput' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } };
    const fresh = await navigator.mediaDevices.getUserMedia(constraints);
    const newTrack = kind === 'audioinput' ? fresh.getAudioTracks()[0]! : fresh.getVideoTracks()[0]!;
    const oldTrack = kind === 'audioinput' ? this.stream.getAudioTracks()[0] : this.stream.getVideoTracks()[0];
    if (oldTrack) {
      this.stream.removeTrack(oldTrack);
      oldTrack.stop();
    }
    this.stream.addTrack(newTrack);
    if (kind === 'audioinput') this.meter();
    this.host.requestUpdate();
    return { oldTrack, newTrack };
  }

  private meter() {
    clearInterval(this.meterTimer);
    const track = this.stream?.getAudioTracks()[0];
    if (!track) return;
    this.audio ??= new AudioContext();
    const source = this.audio.createMediaStreamSource(new MediaStream([track]));
    const analyser = this.audio.createAnalyser();
    // ~90 ms of samples per reading, read every 100 ms: the peak misses almost nothing, so a short
    // sound counts for the device test's microphone check as well as a long one.
    analyser.fftSize = 4096;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    this.meterTimer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s - 128) / 128);
      this.level = Math.min(1, peak * 1.5);
      this.host.requestUpdate();
    }, 100);
  }

  /** Plays a short two-tone chime through the chosen speaker, for the speaker test. */
  async playTestSound(sinkId?: string) {
    this.audio ??= new AudioContext();
    if (sinkId && 'setSinkId' in this.audio) await (this.audio as AudioContext & { setSinkId(id: string): Promise<void> }).setSinkId(sinkId).catch(() => {});
    await this.audio.resume();
    const now = this.audio.currentTime;
    [523.25, 659.25].forEach((frequency, i) => {
      const osc = this.audio!.createOscillator();
      const gain = this.audio!.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, now + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.35 + 0.3);
      osc.connect(gain).connect(this.audio!.destination);
      osc.start(now + i * 0.35);
      osc.stop(now + i * 0.35 + 0.32);
    });
  }

  private stopTracks() {
    clearInterval(this.meterTimer);
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = undefined;
  }

  stop() {
    this.stopTracks();
    void this.audio?.close();
    this.audio = undefined;
  }
}
