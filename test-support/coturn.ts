import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.ts';

/**
 * Debian's coturn on loopback for tests: shared-secret (TURN REST) auth, relay on 127.0.0.1.
 * `--allow-loopback-peers` is for tests only; production configs deny loopback and private ranges.
 */
export async function startCoturn(secret: string) {
  const dir = mkdtempSync(join(tmpdir(), 'balie-coturn-'));
  const port = await freePort();
  const relayMin = 40000 + Math.floor(Math.random() * 200) * 100;
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayMin}`,
      `--max-port=${relayMin + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=balie.test',
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-tcp-relay',
      `--userdb=${join(dir, 'turndb')}`,
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listener opened on|Total General servers/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`coturn exited with ${code}:\n${output}`)));
  });
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
