// A call over a real weak line (issue 14; test-support/weak-line-call.ts): the citizen's Chromium in a
// network namespace behind a veth pair shaped with tc, the civil servant on this machine's network.
// - call.audio_kept_at_300kbit: the share of one-second windows in which the citizen hears the civil
//   servant while the line is 300 kbit/s with 5 % loss (and 150 ms delay where the kernel has netem),
//   vs the same share on the clear line before.
// - call.recover_s: seconds from the line coming back after a 10 s cut (which followed the weak
//   phase, so video was off) until the civil servant's picture moves again at the citizen, vs the
//   seconds for video to come back on the clear line when the civil servant switches it on by hand.
import { shapedLineUnavailable } from '../test-support/netns.ts';
import { heardShare, weakLineCall } from '../test-support/weak-line-call.ts';
import { figure, type Benchmark } from './table.ts';

export const weakLine: Benchmark = {
  name: 'weak-line',
  ids: ['call.audio_kept_at_300kbit', 'call.recover_s'],
  timeLimitMs: 240_000,
  async run() {
    const unavailable = await shapedLineUnavailable();
    if (unavailable) throw new Error(`no network namespace on this machine: ${unavailable}`);
    const result = await weakLineCall({ weakSeconds: 40, clearSeconds: 10 });
    const offAfter = result.videoOffAfterS === undefined ? 'never' : `${result.videoOffAfterS.toFixed(1)} s`;
    return [
      figure({
        id: 'call.audio_kept_at_300kbit',
        ours: heardShare(result.weakSeconds),
        baseline: heardShare(result.clearSeconds),
        target: { on: 'ours', atLeast: 0.95 },
        unit: 'share of 1 s windows',
        note: `${result.weakSeconds.length} s at 300 kbit/s, 5 % loss vs ${result.clearSeconds.length} s on the clear line; indicator said ${result.weakLevels.join(', ')}; video off after ${offAfter}; ${result.how}`,
      }),
      figure({
        id: 'call.recover_s',
        ours: result.recoverS,
        baseline: result.clearVideoBackS,
        target: { on: 'ours', atMost: 15 },
        unit: 's',
        note: `line back after a 10 s cut → the civil servant's picture moving at the citizen, vs video switched back on by hand on the clear line; ${result.admittedOnce ? 'no second admission' : 'SOMEONE WAITED TO BE ADMITTED AGAIN'}`,
      }),
    ];
  },
};
