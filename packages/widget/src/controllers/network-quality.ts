import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { adaptSenders, type SendStep } from '../call/adaptation.ts';
import { classify, readLinkStats, SteadyLevel, worse, type Level, type LinkCounters } from '../call/link-quality.ts';

/** How often getStats() is read. */
export const READ_EVERY_MS = 2_000;
/** Good readings in a row before video comes back after an automatic switch to audio only (doubles after each relapse). */
const RECOVER_READINGS = 3;
const MAX_RECOVER_READINGS = 24;
/** After "try video again", the automatic switch waits this long: the person asked for it. */
const TRY_VIDEO_GRACE_MS = 10_000;

export interface NetworkQualityOptions {
  /** Each remote participant's connection. */
  connections(): Iterable<[string, RTCPeerConnection]>;
  /** The person sends video by choice (camera on, audio only not chosen). */
  wantsVideo(): boolean;
  /** This participant told us their camera is on: only then are few decoded frames a sign. */
  expectsVideoFrom(peerId: string): boolean;
  /** An interpreter takes part: keep the frame rate (sign language), lose pixels instead. */
  interpreter(): boolean;
  /** The own level changed (announce it), video was switched off or back on by us. */
  onChange(change: 'level' | 'audio-only' | 'video-back'): void;
}

interface Link {
  pc: RTCPeerConnection;
  counters?: LinkCounters;
  steady: SteadyLevel;
  /** The step last applied to its senders, with the interpreter flag it was applied for. */
  applied?: string;
}

/**
 * The connection-quality indicator and the automatic downgrade (issue 14). Every READ_EVERY_MS it
 * reads each connection's getStats(), classifies it (call/link-quality.ts), keeps a steady level per
 * participant and one for ourselves (the weakest), and tunes what we send (call/adaptation.ts):
 * reduced video on "matig", audio only on "slecht", video back once the line has been good for a
 * while. One camera goes to every participant of the mesh, so the weakest link sets the step.
 */
export class NetworkQualityController implements ReactiveController {
  /** Steady level per remote participant. */
  readonly levels = new Map<string, Level>();
  /** Our own steady level: the weakest of our connections; undefined while measuring. */
  level: Level | undefined;
  /** We switched to audio only because the line was too weak for video. */
  autoAudioOnly = false;
  /** A connection goes through a TURN relay. */
  relayed = false;

  private readonly links = new Map<string, Link>();
  private readonly own = new SteadyLevel();
  /**
   * The same without decoded frames, for what we send: few frames in may be the other side's slow
   * computer or its own reduced video, and must not keep our video down.
   */
  private readonly ownNetwork = new SteadyLevel();
  private timer?: ReturnType<typeof setInterval>;
  private reading = false;
  private goodInARow = 0;
  private recoverReadings = RECOVER_READINGS;
  private graceUntil = 0;
  private adapting = false;
  private adaptAgain = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: NetworkQualityOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS);
  }

  hostDisconnected() {
    clearInterval(this.timer);
  }

  /** The step our senders are in now. */
  get step(): SendStep {
    if (!this.opts.wantsVideo() || this.autoAudioOnly) return 'audio-only';
    return this.ownNetwork.level === 'fair' || this.ownNetwork.level === 'poor' ? 'reduced' : 'full';
  }

  /** The person asks for video again after we switched it off. */
  tryVideo() {
    this.autoAudioOnly = false;
    this.goodInARow = 0;
    this.graceUntil = Date.now() + TRY_VIDEO_GRACE_MS;
    void this.adapt();
    this.host.requestUpdate();
  }

  /** One reading of every connection; skipped when the last one is still running (a busy page). */
  async read() {
    if (this.reading) return;
    this.reading = true;
    try {
      await this.measure();
      await this.adapt();
    } finally {
      this.reading = false;
    }
  }

  private async measure() {
    const seen = new Set<string>();
    let ownReading: Level | undefined;
    let networkReading: Level | undefined;
    let relayed = false;
    for (const [peerId, pc] of [...this.opts.connections()]) {
      seen.add(peerId);
      let link = this.links.get(peerId);
      if (!link || link.pc !== pc) this.links.set(peerId, (link = { pc, steady: new SteadyLevel() }));
      let reading: Level | undefined;
      let network: Level | undefined;
      if (pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed') reading = network = 'poor';
      else if (pc.connectionState === 'connected') {
        const { sample, counters } = readLinkStats(await pc.getStats(), link.counters);
        // The first reading of a connection only sets the counters: rates need two.
        if (link.counters) {
          const sendingVideo = this.step !== 'audio-only';
          reading = classify(sample, { sendingVideo, expectingVideo: this.opts.expectsVideoFrom(peerId) });
          network = classify(sample, { sendingVideo, expectingVideo: false });
        }
        link.counters = counters;
        relayed ||= sample.relayed;
      }
      if (!reading || !network) continue;
      link.steady.push(reading);
      this.levels.set(peerId, link.steady.level!);
      ownReading = ownReading ? worse(ownReading, reading) : reading;
      networkReading = networkReading ? worse(networkReading, network) : network;
    }
    for (const peerId of [...this.links.keys()]) {
      if (seen.has(peerId)) continue;
      this.links.delete(peerId);
      this.levels.delete(peerId);
    }
    this.relayed = relayed;
    if (ownReading) {
      if (this.own.push(ownReading)) {
        this.level = this.own.level;
        this.opts.onChange('level');
      }
    }
    if (networkReading) {
      this.ownNetwork.push(networkReading);
      this.decide(networkReading);
    }
    this.host.requestUpdate();
  }

  /** Audio only when the steady level is poor; video back after enough good readings in a row. */
  private decide(reading: Level) {
    if (!this.autoAudioOnly) {
      if (this.ownNetwork.level === 'poor' && this.opts.wantsVideo() && Date.now() >= this.graceUntil) {
        this.autoAudioOnly = true;
        this.goodInARow = 0;
        this.opts.onChange('audio-only');
      }
      return;
    }
    this.goodInARow = reading === 'good' ? this.goodInARow + 1 : 0;
    if (this.goodInARow < this.recoverReadings) return;
    this.autoAudioOnly = false;
    // A line that drops again right after coming back must prove itself longer next time.
    this.recoverReadings = Math.min(this.recoverReadings * 2, MAX_RECOVER_READINGS);
    this.opts.onChange('video-back');
  }

  /** Applies the current step to each connection whose senders are not in it yet; one change at a time. */
  private async adapt() {
    if (this.adapting) return void (this.adaptAgain = true);
    this.adapting = true;
    try {
      do {
        this.adaptAgain = false;
        const key = `${this.step}:${this.opts.interpreter()}`;
        await Promise.all(
          [...this.links.values()].map(async (link) => {
            if (link.applied === key || link.pc.connectionState !== 'connected') return;
            // Only a change the senders took counts as applied: a refused one is tried at the next reading.
            if (await adaptSenders(link.pc, this.step, { interpreter: this.opts.interpreter() })) link.applied = key;
          }),
        );
      } while (this.adaptAgain);
    } finally {
      this.adapting = false;
    }
  }
}
