import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../http/errors.ts';

/** A place taken in the gate: run the work in it, or leave without. */
export interface GatePlace {
  /** Waits `delayMs` (a sign-in slowed down after failures) without a hash slot, then runs `work` in one. */
  run<T>(work: () => Promise<T>, delayMs?: number): Promise<T>;
  /** Gives the place back without running (the throttle refused the attempt). */
  leave(): void;
}

export interface HashGateOptions {
  /** Password hashes (argon2id, ~19 MiB and tens of ms of CPU each) that may run at once. */
  concurrency: number;
  /** Checks that may wait for a turn (or sit out their sign-in delay); one more is refused with 503. */
  queue: number;
}

/**
 * Caps the argon2 work of sign-ins and password changes. Each hash costs memory and CPU on purpose,
 * so a flood of sign-in requests could otherwise take every core and much memory: at most
 * `concurrency` run, `queue` more wait in line, and the rest are answered at once with 503 and
 * Retry-After before any hash is computed.
 */
export function hashGate(options: HashGateOptions) {
  let running = 0;
  let admitted = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];

  const acquire = async () => {
    if (running < options.concurrency) {
      running++;
    } else {
      // The releasing check hands its slot straight to the first in line: `running` stays the same.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    peak = Math.max(peak, running);
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    /**
     * Takes a place in the gate or throws 503. `enter` is synchronous so a caller can take its place
     * before it records anything (a refused request must not count as a failed sign-in).
     */
    enter(): GatePlace {
      if (admitted >= options.concurrency + options.queue) {
        throw new HttpError(503, 'server_busy', 'The server is handling many sign-ins right now. Please try again in a few seconds.', {
          retryAfterSeconds: 5,
        });
      }
      admitted++;
      let left = false;
      const leave = () => {
        if (!left) admitted--;
        left = true;
      };
      return {
        async run(work, delayMs = 0) {
          try {
            if (delayMs > 0) await sleep(delayMs);
            await acquire();
            try {
              return await work();
            } finally {
              release();
            }
          } finally {
            leave();
          }
        },
        leave,
      };
    },
    /** Runs one hash in the gate (or throws 503), e.g. hashing a new password. */
    run<T>(work: () => Promise<T>): Promise<T> {
      return this.enter().run(work);
    },
    /** Counters for tests and logs: hashes running now, places taken, the most hashes ever at once. */
    stats: () => ({ running, admitted, peak }),
  };
}

export type HashGate = ReturnType<typeof hashGate>;
