import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeviceCheckReport, DevicePartResult } from '../api/types.ts';
import { relayReachable, roundTrip, samplePicture } from './device-probes.ts';
import type { MediaDevicesController } from './media-devices.ts';

/** What is reported and stored per part. */
export type DeviceParts = DeviceCheckReport['parts'];
export type DevicePart = keyof DeviceParts;
/** What the citizen sees while testing: `asking` waits for their answer (the speaker). */
export type PartState = DevicePartResult | 'checking' | 'asking';

export const DEVICE_PARTS: readonly DevicePart[] = ['camera', 'microphone', 'speaker', 'network'];

/** The meter level (0..1) that counts as hearing the citizen, and for how many meter readings. */
const HEARD_LEVEL = 0.1;
const HEARD_READINGS = 2;
/** Silence this long is a failure: long enough to say a sentence after reading "Zeg eens iets". */
export const SILENCE_MS = 6000;
/** Above this round trip to our server, a video call stutters (ITU-T G.114 puts the limit for talk at ~400 ms). */
export const SLOW_RTT_MS = 400;

export type CameraProblem = 'no-frames' | 'dark';
export type NetworkProblem = 'unreachable' | 'slow' | 'no-relay';

/**
 * The device test (issue 11): each part proves itself instead of trusting the permission. The
 * camera must deliver frames that are not black, the microphone must hear the citizen, the citizen
 * says whether they heard the test sound, and the network must reach our server quickly (and the
 * TURN relay, when the call needs one).
 */
export class DeviceTestController implements ReactiveController {
  state: Record<DevicePart, PartState> = { camera: 'checking', microphone: 'checking', speaker: 'asking', network: 'checking' };
  cameraProblem?: CameraProblem;
  networkProblem?: NetworkProblem;
  /** Median round trip to our server in ms, once measured. */
  rttMs?: number;
  /** Whether the test sound was played at least once (the yes/no question follows it). */
  soundPlayed = false;

  // One run number per part: a result that arrives after a retry or a device switch is dropped.
  private runs: Record<DevicePart, number> = { camera: 0, microphone: 0, speaker: 0, network: 0 };
  private micTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly media: MediaDevicesController,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    this.stop();
  }

  private begin(part: DevicePart) {
    this.state[part] = 'checking';
    this.host.requestUpdate();
    return ++this.runs[part];
  }

  private settle(part: DevicePart, run: number, result: PartState) {
    if (run !== this.runs[part]) return false;
    this.state[part] = result;
    this.host.requestUpdate();
    return true;
  }

  /** Frames arrive and are not black; skipped when the citizen chose audio only. */
  async testCamera(video: HTMLVideoElement | null) {
    const run = this.begin('camera');
    if (!video || this.media.audioOnly || !this.media.stream?.getVideoTracks().length) return void this.settle('camera', run, 'skipped');
    const picture = await samplePicture(video);
    const problem: CameraProblem | undefined = picture.frames < 2 ? 'no-frames' : picture.visible ? undefined : 'dark';
    if (run === this.runs.camera) this.cameraProblem = problem;
    this.settle('camera', run, problem ? 'failed' : 'passed');
  }

  /** Passes once the meter rises above the threshold a few times; silence for SILENCE_MS fails. */
  testMicrophone() {
    clearInterval(this.micTimer);
    const run = this.begin('microphone');
    if (!this.media.stream?.getAudioTracks().length) return void this.settle('microphone', run, 'failed');
    const started = Date.now();
    let heard = 0;
    this.micTimer = setInterval(() => {
      if (this.media.level >= HEARD_LEVEL) heard++;
      const result = heard >= HEARD_READINGS ? 'passed' : Date.now() - started >= SILENCE_MS ? 'failed' : undefined;
      if (!result) return;
      clearInterval(this.micTimer);
      this.settle('microphone', run, result);
    }, 100);
  }

  /** Plays the chime and asks the citizen whether they heard it. */
  async playSound(speakerId?: string) {
    this.soundPlayed = true;
    this.settle('speaker', this.begin('speaker'), 'asking');
    await this.media.playTestSound(speakerId);
  }

  heard(yes: boolean) {
    this.settle('speaker', this.runs.speaker, yes ? 'passed' : 'failed');
  }

  /**
   * The round trip to our server (the median of a few small requests), and with TURN configured
   * whether a relay candidate appears. Without TURN credentials (days before the appointment) only
   * the round trip is measured.
   */
  async testNetwork(ping: () => Promise<unknown>, iceServers: RTCIceServer[] = []) {
    const run = this.begin('network');
    const [rtt, relay] = await Promise.all([roundTrip(ping), iceServers.length ? relayReachable(iceServers) : Promise.resolve(true)]);
    if (run !== this.runs.network) return;
    this.rttMs = rtt;
    this.networkProblem = rtt === undefined ? 'unreachable' : !relay ? 'no-relay' : rtt > SLOW_RTT_MS ? 'slow' : undefined;
    this.settle('network', run, this.networkProblem ? 'failed' : 'passed');
  }

  /** The result per part as reported; a part still running or unanswered counts as skipped. */
  get parts(): DeviceParts {
    const result = (s: PartState): DevicePartResult => (s === 'checking' || s === 'asking' ? 'skipped' : s);
    return { camera: result(this.state.camera), microphone: result(this.state.microphone), speaker: result(this.state.speaker), network: result(this.state.network) };
  }

  get done() {
    return DEVICE_PARTS.every((p) => this.state[p] !== 'checking' && this.state[p] !== 'asking');
  }

  get failed() {
    return DEVICE_PARTS.some((p) => this.state[p] === 'failed');
  }

  stop() {
    clearInterval(this.micTimer);
    for (const part of DEVICE_PARTS) this.runs[part]++;
  }
}
