/**
 * How good one call connection is, read from two getStats() reports a few seconds apart (issue 14):
 * round-trip time, packet loss both ways, the outgoing bitrate the congestion controller thinks the
 * path carries, and the frames per second we decode. Plain functions over plain numbers: the
 * controller (controllers/network-quality.ts) does the polling and the decisions.
 */

export type Level = 'good' | 'fair' | 'poor';

/** What one reading of one connection found; null where the stats did not say. */
export interface LinkSample {
  /** Round-trip time of the selected ICE candidate pair (STUN checks), in ms. */
  rttMs: number | null;
  /** Fraction of packets lost (0..1): the worse of what we lost receiving and what the other side reports losing from us. */
  loss: number | null;
  /** `availableOutgoingBitrate` of the selected pair (the congestion controller's estimate), in kbit/s. */
  outgoingKbps: number | null;
  /** Video frames decoded per second, over all incoming video. */
  fps: number | null;
  /** RTP packets received since the last reading (audio and video); null on the first reading. */
  packetsReceived: number | null;
  /** The selected pair goes through a TURN relay. */
  relayed: boolean;
}

/** Counters of the previous reading, to turn totals into rates. */
export interface LinkCounters {
  at: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
}

type Stat = Record<string, unknown> & { id: string; type: string };
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Reads a getStats() report; `previous` (the counters of the last reading) turns totals into rates. */
export function readLinkStats(report: RTCStatsReport, previous?: LinkCounters, now = performance.now()): { sample: LinkSample; counters: LinkCounters } {
  const stats = [...(report as unknown as Map<string, Stat>).values()];
  const byId = new Map(stats.map((s) => [s.id, s]));
  // The transport names the selected pair; older engines only mark it nominated and succeeded.
  const selectedId = stats.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')?.selectedCandidatePairId;
  const pair = (selectedId ? byId.get(selectedId as string) : undefined) ?? stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const rtt = num(pair?.currentRoundTripTime);
  const outgoing = num(pair?.availableOutgoingBitrate);
  const local = pair ? byId.get(pair.localCandidateId as string) : undefined;

  const counters: LinkCounters = { at: now, packetsReceived: 0, packetsLost: 0, framesDecoded: 0 };
  // What the other side says it lost of ours (RTCP receiver reports), per outgoing stream.
  let remoteLoss: number | null = null;
  for (const s of stats) {
    if (s.type === 'inbound-rtp') {
      counters.packetsReceived += num(s.packetsReceived) ?? 0;
      counters.packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
      if (s.kind === 'video') counters.framesDecoded += num(s.framesDecoded) ?? 0;
    }
    if (s.type === 'remote-inbound-rtp' && num(s.fractionLost) !== null) remoteLoss = Math.max(remoteLoss ?? 0, num(s.fractionLost)!);
  }

  let received: number | null = null;
  let localLoss: number | null = null;
  let fps: number | null = null;
  if (previous) {
    received = Math.max(0, counters.packetsReceived - previous.packetsReceived);
    const lost = Math.max(0, counters.packetsLost - previous.packetsLost);
    localLoss = received + lost > 0 ? lost / (received + lost) : null;
    const seconds = (counters.at - previous.at) / 1000;
    if (seconds > 0) fps = Math.max(0, counters.framesDecoded - previous.framesDecoded) / seconds;
  }
  const loss = localLoss === null && remoteLoss === null ? null : Math.max(localLoss ?? 0, remoteLoss ?? 0);
  return {
    sample: {
      rttMs: rtt === null ? null : rtt * 1000,
      loss,
      outgoingKbps: outgoing === null ? null : outgoing / 1000,
      fps,
      packetsReceived: received,
      relayed: local?.candidateType === 'relay',
    },
    counters,
  };
}

/**
 * Where each measure turns from good to fair and from fair to poor. Video of a face needs about
 * 250 kbit/s beside the ~50 kbit/s of speech; sign language needs its frames.
 */
export const thresholds = {
  rttMs: { fair: 250, poor: 700 },
  loss: { fair: 0.02, poor: 0.08 },
  outgoingKbps: { fair: 500, poor: 250 },
  fps: { fair: 12 },
} as const;

/** What the reading may count on: whether we send video and whether the others send us any. */
export interface ClassifyContext {
  /** We send video: only then does a low outgoing estimate matter (with audio alone it stays low by design). */
  sendingVideo: boolean;
  /** Someone on this connection sends us video: only then do few decoded frames mean something. */
  expectingVideo: boolean;
}

const rank: Record<Level, number> = { good: 0, fair: 1, poor: 2 };
export const worse = (a: Level, b: Level): Level => (rank[a] >= rank[b] ? a : b);

/**
 * One reading's level. Each network measure says good, fair or poor; the worst counts, and two fair
 * network measures at once (e.g. 3 % loss and 300 ms) make poor: together they break a conversation.
 * Decoded frames can only make it fair: a busy computer decodes fewer frames on a fine network.
 * Nothing received at all (while something was before) is poor: the link is cut.
 */
export function classify(sample: LinkSample, context: ClassifyContext): Level {
  if (sample.packetsReceived === 0) return 'poor';
  const network: Level[] = [];
  if (sample.rttMs !== null) network.push(sample.rttMs >= thresholds.rttMs.poor ? 'poor' : sample.rttMs >= thresholds.rttMs.fair ? 'fair' : 'good');
  if (sample.loss !== null) network.push(sample.loss >= thresholds.loss.poor ? 'poor' : sample.loss >= thresholds.loss.fair ? 'fair' : 'good');
  if (sample.outgoingKbps !== null && context.sendingVideo) {
    network.push(sample.outgoingKbps < thresholds.outgoingKbps.poor ? 'poor' : sample.outgoingKbps < thresholds.outgoingKbps.fair ? 'fair' : 'good');
  }
  let level = network.reduce(worse, 'good');
  if (network.filter((l) => l === 'fair').length >= 2) level = 'poor';
  if (context.expectingVideo && sample.fps !== null && sample.fps < thresholds.fps.fair) level = worse(level, 'fair');
  return level;
}

/**
 * A level that changes only after `readings` readings in a row agree, so one bad second does not
 * flip the indicator (nor the screen reader's announcement) back and forth.
 */
export class SteadyLevel {
  level: Level | undefined;
  private candidate: Level | undefined;
  private count = 0;

  constructor(private readonly readings = 2) {}

  /** Feeds one reading; true when the steady level changed. */
  push(reading: Level): boolean {
    if (reading === this.level) {
      this.count = 0;
      return false;
    }
    this.count = reading === this.candidate ? this.count + 1 : 1;
    this.candidate = reading;
    // The first level is shown at once: "measuring" says nothing useful for long.
    if (this.level !== undefined && this.count < this.readings) return false;
    this.level = reading;
    this.count = 0;
    return true;
  }
}
