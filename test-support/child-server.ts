import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generousLimits } from './limits.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ChildServer {
  pid: number;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: string[];
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal to this process only (by its PID); a no-op once it has exited. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts the server as `npm start` does, minus the build: a separate Node process running main.ts,
 * so a test can SIGKILL it like an operating system would. Resolves once it listens.
 */
export async function startChildServer(opts: { dataDir: string; port: number; env?: Record<string, string>; waitMs?: number }): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's variables would make a child `node` act as one of its workers.
  for (const name of Object.keys(env)) if (name.startsWith('NODE_TEST')) delete env[name];
  const url = `http://127.0.0.1:${opts.port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: root,
    env: { ...env, DATA_DIR: opts.dataDir, PORT: String(opts.port), PUBLIC_URL: url, ...generousLimits, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    }),
  );
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('listens on')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${output.join('')}`)));
  });
  const server: ChildServer = {
    pid: child.pid!,
    url,
    output,
    exited,
    kill(signal) {
      if (alive) process.kill(child.pid!, signal);
    },
  };
  const timeout = setTimeout(() => server.kill('SIGKILL'), opts.waitMs ?? 20_000);
  try {
    await listening;
  } finally {
    clearTimeout(timeout);
  }
  return server;
}
