import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shapedLineUnavailable } from '../test-support/netns.ts';
import { heardShare, weakLineCall } from '../test-support/weak-line-call.ts';

// Issue 14: a call over a real weak line (a network namespace behind a veth pair shaped with tc), not
// a mocked stats object. Needs root and iproute2, as CI has (.ci/run installs iproute2).
const unavailable = await shapedLineUnavailable();

describe('a call over a weak line', { skip: unavailable && `no network namespace on this machine: ${unavailable}` }, () => {
  it('keeps the civil servant heard at 300 kbit/s, says "slecht", switches video off, survives a 10 s cut and brings video back', async () => {
    const result = await weakLineCall();
    const report = JSON.stringify({ ...result, clearSeconds: result.clearSeconds.map((p) => p.toFixed(3)), weakSeconds: result.weakSeconds.map((p) => p.toFixed(3)) });
    assert.equal(result.clearLevel, 'Verbinding: goed', report);
    assert.equal(heardShare(result.clearSeconds), 1, `heard every second on the clear line: ${report}`);
    // Speech first: at 300 kbit/s with 5 % loss the civil servant is still heard (almost) every second.
    assert.ok(heardShare(result.weakSeconds) >= 0.9, `heard at 300 kbit/s: ${report}`);
    assert.ok(result.weakLevels.includes('Verbinding: slecht'), `the indicator said slecht: ${report}`);
    assert.ok(result.staffWeakLevels.includes('Verbinding: slecht'), `the civil servant's indicator said slecht too: ${report}`);
    assert.ok(result.videoOffAfterS !== undefined, `video switched off on the weak line: ${report}`);
    assert.ok(result.offeredTryVideo, `a button to try video again: ${report}`);
    // After the cut: back by itself, without a second admission, with moving pictures.
    assert.ok(result.admittedOnce, `no second admission: ${report}`);
    assert.ok(result.recoverS <= 30, `video back ${result.recoverS} s after the line recovered: ${report}`);
  });
});
