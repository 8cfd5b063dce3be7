// Load from another process: the benchmark's HTTP client runs in a child, so the server's thread
// is what is measured, not the client's. `postFromChild` forks this file; run as a child, it waits
// for one job over IPC, sends it and answers with what came back.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { elapsedMs, httpClient } from './measure.ts';

interface Job {
  url: string;
  path: string;
  bodies: unknown[];
  /** Extra headers for each body (same index), e.g. a client address per request behind a proxy. */
  headers?: Record<string, string>[];
  concurrency: number;
}

export interface LoadResult {
  /** From the first request sent to the last answer read, in the child. */
  elapsedMs: number;
  /** How many answers had each status. */
  statuses: Record<number, number>;
  /** The first answer that was not a 201, if any. */
  firstOther?: string;
}

/**
 * POSTs each body once to `url + path`, `concurrency` at a time over keep-alive sockets, from a child
 * process. The child is killed (by its PID) after `timeoutMs` or when the parent is done with it.
 */
export async function postFromChild(job: Job, timeoutMs: number): Promise<LoadResult> {
  // Not the parent's execArgv: a --cpu-prof there is for the server, not for its client.
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<LoadResult>((done, fail) => {
      timer = setTimeout(() => fail(new Error(`the load process did not finish in ${timeoutMs} ms`)), timeoutMs);
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`the load process exited early (${code ?? signal})`)));
      child.on('message', (message: { ready?: true; result?: LoadResult; error?: string }) => {
        if (message.ready) child.send(job);
        else if (message.result) done(message.result);
        else fail(new Error(`the load process failed: ${message.error}`));
      });
    });
  } finally {
    clearTimeout(timer);
    child.removeAllListeners('exit');
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/**
 * Runs `work`, and when `file` is given writes a CPU profile of this process while it ran (open it
 * in Chrome DevTools' Performance panel or VS Code). Set through BENCH_CPU_PROFILE by the benchmarks.
 */
export async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}

async function runJob(job: Job): Promise<LoadResult> {
  const client = httpClient(job.url, job.concurrency);
  const statuses: Record<number, number> = {};
  let firstOther: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < job.bodies.length) {
      const i = next++;
      const response = await client.post(job.path, job.bodies[i], job.headers?.[i]);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status !== 201) firstOther ??= `${response.status} ${response.body.slice(0, 200)}`;
    }
  };
  try {
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: job.concurrency }, worker));
    return { elapsedMs: elapsedMs(started), statuses, firstOther };
  } finally {
    client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', (job: Job) => {
    runJob(job).then(
      // The child then waits to be killed by the parent, so the answer is never raced by an exit.
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.send({ ready: true });
}
