import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromiumPath } from './chromium.mjs';

/**
 * A weak line for a real call (issue 14): a Linux network namespace of our own joined to this one by
 * a veth pair on a private /30, shaped in both directions with tc (netem for delay and loss, tbf for
 * the rate, as on a slow mobile or home line). A browser started inside the namespace reaches
 * the rest of the machine only through that pair, so everything it sends or receives (pages,
 * signalling, WebRTC) crosses the shaped line. Needs root (CAP_NET_ADMIN) and iproute2.
 *
 * Some kernels lack sch_netem (a Firecracker VM's kernel without modules, for one). There the line
 * is shaped with what such kernels keep: an htb class holds the rate over a 300 ms byte queue, and a
 * classic-BPF classifier sends a random share of packets to a class whose queue holds nothing (the
 * loss). A fixed extra delay needs netem; without it the only delay is the queue's. `how` says which.
 */

const run = promisify(execFile);
const PREFIX = 'balie-weak-';

/** What the line does in each direction. */
export interface LineProfile {
  /** Rate, e.g. "300kbit". */
  rate: string;
  /** One-way delay in ms. */
  delayMs: number;
  /** Random loss in percent. */
  lossPercent: number;
}

export interface ShapedLine {
  /** The namespace's name, for `ip netns exec`. */
  namespace: string;
  /** Our side of the pair, where a server listening on 0.0.0.0 is reached from the namespace. */
  hostAddress: string;
  /** The namespace's side. */
  innerAddress: string;
  /** An executable that runs Debian's Chromium inside the namespace (for playwright's executablePath). */
  chromium: string;
  /** Shapes both directions, cuts the line (all packets lost), or clears it (no shaping). */
  set(state: LineProfile | 'cut' | 'clear'): Promise<void>;
  /** Removes the namespace, the veth pair with it, and the wrapper. */
  remove(): Promise<void>;
  /** How the line is shaped on this kernel: netem + tbf, or htb + BPF loss without a fixed delay. */
  how: string;
}

/** 2^32 × the share of packets to drop: classic BPF compares the kernel's random u32 with it. */
const dropAbove = (lossPercent: number) => Math.min(2 ** 32 - 1, Math.floor((1 - lossPercent / 100) * 2 ** 32));
/** `ld rand` (SKF_AD_OFF + SKF_AD_RANDOM), `jge limit`: class 1:20 (dropped), else class 1:10. */
const randomLossBytecode = (lossPercent: number) => `4,32 0 0 ${2 ** 32 - 0x1000 + 56},53 1 0 ${dropAbove(lossPercent)},6 0 0 ${0x10010},6 0 0 ${0x10020}`;
/** Bytes a queue at `rate` drains in 300 ms: the most a weak line's buffer holds. */
const queueBytes = (rate: string) => {
  const match = /^(\d+)(k|m)?bit$/.exec(rate);
  if (!match) throw new Error(`rate like 300kbit expected, got ${rate}`);
  const bits = Number(match[1]) * (match[2] === 'k' ? 1e3 : match[2] === 'm' ? 1e6 : 1);
  return Math.max(3000, Math.round((bits / 8) * 0.3));
};

async function sh(command: string, args: string[]) {
  try {
    await run(command, args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(' ')}: ${stderr || (error as Error).message}`);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Namespaces an earlier run left behind (a killed test): their owner process is gone. */
async function removeStale() {
  const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }));
  for (const name of stdout.split('\n').map((line) => line.split(' ')[0]!)) {
    const pid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length) : NaN);
    if (Number.isInteger(pid) && !alive(pid)) await sh('ip', ['netns', 'del', name]).catch(() => undefined);
  }
}

/**
 * Why this machine cannot make the line, or undefined when it can: not root, no iproute2, or a
 * kernel or container that refuses namespaces. Tried for real, then undone.
 */
export async function shapedLineUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the test needs root to create a network namespace (CAP_NET_ADMIN)';
  const probe = `${PREFIX}probe-${process.pid}`;
  try {
    await sh('ip', ['netns', 'add', probe]);
    await sh('tc', ['-n', probe, 'qdisc', 'show']);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
  return undefined;
}

/** Creates the namespace and the veth pair; call `remove()` in a finally. */
export async function createShapedLine(): Promise<ShapedLine> {
  await removeStale();
  const pid = process.pid;
  const namespace = `${PREFIX}${pid}`;
  // Interface names have at most 15 characters; the /30 comes from 10.213.0.0/16, one per process.
  const outer = `bw${pid}h`.slice(-15);
  const inner = `bw${pid}n`.slice(-15);
  const block = (pid % 16_384) * 4;
  const base = `10.213.${Math.floor(block / 256)}`;
  const hostAddress = `${base}.${(block % 256) + 1}`;
  const innerAddress = `${base}.${(block % 256) + 2}`;
  const dir = mkdtempSync(join(tmpdir(), 'balie-netns-'));
  const chromium = join(dir, 'chromium-in-namespace');
  // playwright passes its pipe descriptors and flags through `ip netns exec` unchanged.
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromiumPath} "$@"\n`);
  chmodSync(chromium, 0o755);

  const remove = async () => {
    await run('ip', ['netns', 'del', namespace]).catch(() => undefined);
    // Deleting the namespace deletes the pair; this is for a namespace that never got its end.
    await run('ip', ['link', 'del', outer]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await sh('ip', ['netns', 'add', namespace]);
    await sh('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    await sh('ip', ['link', 'set', inner, 'netns', namespace]);
    await sh('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', outer]);
    await sh('ip', ['link', 'set', outer, 'up']);
    await sh('ip', ['-n', namespace, 'addr', 'add', `${innerAddress}/30`, 'dev', inner]);
    await sh('ip', ['-n', namespace, 'link', 'set', inner, 'up']);
    await sh('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
    // No default route: from the namespace only the /30 is reachable, so nothing leaves the machine.
  } catch (error) {
    await remove();
    throw error;
  }
  const netem = await run('tc', ['qdisc', 'add', 'dev', outer, 'root', 'netem', 'delay', '1ms']).then(
    () => true,
    () => false,
  );
  await run('tc', ['qdisc', 'del', 'dev', outer, 'root']).catch(() => undefined);

  /** The same qdiscs on both ends: our side shapes what goes in, the namespace's side what comes out. */
  const ends: [string[], string][] = [
    [[], outer],
    [['-n', namespace], inner],
  ];
  return {
    namespace,
    hostAddress,
    innerAddress,
    chromium,
    async set(state) {
      for (const [netns, dev] of ends) {
        await run('tc', [...netns, 'qdisc', 'del', 'dev', dev, 'root']).catch(() => undefined);
        if (state === 'clear') continue;
        const tc = (object: string, verb: string, ...rest: string[]) => sh('tc', [...netns, object, verb, 'dev', dev, ...rest]);
        // A queue that holds nothing: every packet is dropped, in both directions, as on a train in a tunnel.
        if (state === 'cut') {
          await tc('qdisc', 'add', 'root', 'bfifo', 'limit', '0');
          continue;
        }
        if (netem) {
          // netem delays and drops, its child tbf holds the rate with a queue of at most 300 ms, as a
          // modem's buffer would (https://wiki.linuxfoundation.org/networking/netem, "Rate control").
          await tc('qdisc', 'add', 'root', 'handle', '1:', 'netem', 'delay', `${state.delayMs}ms`, 'loss', `${state.lossPercent}%`);
          await tc('qdisc', 'add', 'parent', '1:1', 'handle', '10:', 'tbf', 'rate', state.rate, 'burst', '4kb', 'latency', '300ms');
          continue;
        }
        await tc('qdisc', 'add', 'root', 'handle', '1:', 'htb', 'default', '10');
        await tc('class', 'add', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', state.rate, 'ceil', state.rate, 'burst', '4kb');
        await tc('class', 'add', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', state.rate);
        await tc('qdisc', 'add', 'parent', '1:10', 'handle', '10:', 'bfifo', 'limit', String(queueBytes(state.rate)));
        await tc('qdisc', 'add', 'parent', '1:20', 'handle', '20:', 'bfifo', 'limit', '0');
        await tc('filter', 'add', 'parent', '1:', 'protocol', 'all', 'prio', '1', 'bpf', 'bytecode', randomLossBytecode(state.lossPercent));
      }
    },
    remove,
    how: netem
      ? 'netem delay and loss with a tbf rate, both directions'
      : 'this kernel has no sch_netem: htb rate with a 300 ms queue and random BPF loss, both directions, no fixed delay',
  };
}
