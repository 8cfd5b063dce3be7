import { expect } from 'chai';
import { classify, readLinkStats, SteadyLevel, type LinkSample } from './link-quality.ts';

const sample = (over: Partial<LinkSample>): LinkSample => ({ rttMs: 40, loss: 0, outgoingKbps: 1500, fps: 30, packetsReceived: 150, relayed: false, ...over });
const sending = { sendingVideo: true, expectingVideo: true };

/** A report shaped like Chromium's getStats() (a Map of stats by id). */
const report = (stats: Record<string, unknown>[]) => new Map(stats.map((s) => [s.id as string, s])) as unknown as RTCStatsReport;

describe('link quality', () => {
  describe('classify', () => {
    it('a clear line is good', () => {
      expect(classify(sample({}), sending)).to.equal('good');
    });

    it('one weak measure makes fair, a very weak one poor', () => {
      expect(classify(sample({ rttMs: 300 }), sending)).to.equal('fair');
      expect(classify(sample({ loss: 0.1 }), sending)).to.equal('poor');
      expect(classify(sample({ outgoingKbps: 200 }), sending)).to.equal('poor');
    });

    it('two fair network measures at once make poor (300 kbit/s lines: loss and a full queue)', () => {
      expect(classify(sample({ rttMs: 300, loss: 0.05 }), sending)).to.equal('poor');
    });

    it('a cut line (nothing received) is poor', () => {
      expect(classify(sample({ packetsReceived: 0 }), sending)).to.equal('poor');
    });

    it('the outgoing estimate counts only while we send video; few frames only while video is expected, and never below fair', () => {
      expect(classify(sample({ outgoingKbps: 60 }), { sendingVideo: false, expectingVideo: true })).to.equal('good');
      expect(classify(sample({ fps: 0 }), { sendingVideo: true, expectingVideo: false })).to.equal('good');
      expect(classify(sample({ fps: 2 }), sending)).to.equal('fair');
    });
  });

  describe('readLinkStats', () => {
    it('reads the selected pair and turns counters into loss and frames per second', () => {
      const pair = { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.32, availableOutgoingBitrate: 280_000, localCandidateId: 'L' };
      const first = readLinkStats(
        report([{ id: 'T', type: 'transport', selectedCandidatePairId: 'P' }, pair, { id: 'L', type: 'local-candidate', candidateType: 'relay' }, { id: 'A', type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 0 }, { id: 'V', type: 'inbound-rtp', kind: 'video', packetsReceived: 400, packetsLost: 0, framesDecoded: 100 }]),
        undefined,
        1000,
      );
      expect(first.sample).to.include({ rttMs: 320, outgoingKbps: 280, relayed: true, loss: null, packetsReceived: null });
      const second = readLinkStats(
        report([{ id: 'T', type: 'transport', selectedCandidatePairId: 'P' }, pair, { id: 'A', type: 'inbound-rtp', kind: 'audio', packetsReceived: 195, packetsLost: 5 }, { id: 'V', type: 'inbound-rtp', kind: 'video', packetsReceived: 400, packetsLost: 0, framesDecoded: 130 }, { id: 'R', type: 'remote-inbound-rtp', fractionLost: 0.01 }]),
        first.counters,
        3000,
      );
      expect(second.sample.loss).to.equal(0.05);
      expect(second.sample.fps).to.equal(15);
      expect(second.sample.packetsReceived).to.equal(95);
    });
  });

  describe('SteadyLevel', () => {
    it('shows the first level at once, then changes only after two readings agree', () => {
      const steady = new SteadyLevel();
      expect(steady.push('good')).to.equal(true);
      expect(steady.push('poor')).to.equal(false);
      expect(steady.push('good')).to.equal(false);
      expect(steady.push('poor')).to.equal(false);
      expect(steady.push('poor')).to.equal(true);
      expect(steady.level).to.equal('poor');
    });
  });
});
