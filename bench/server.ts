import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { seedDemoData } from '../packages/server/src/db/seed.ts';
import { listenOnLoopback } from './measure.ts';

export interface BenchServer {
  app: App;
  url: string;
  stop(): Promise<void>;
}

/**
 * The real app with a fresh SQLite file and the default outbox mailer, listening on 127.0.0.1 only.
 * No reminder timer: it would add noise, and no benchmark here is about reminders.
 */
export async function startBenchServer(now: () => Date, env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'balie-bench-'));
  const errors: string[] = [];
  // A production-like public URL: with port 0 the links in mails would read localhost:0, which the
  // calendar library rightly rejects.
  const config = loadConfig({ PUBLIC_URL: 'https://balie.bench.invalid', SEED_DEMO_DATA: 'true', ...env }, { dataDir, port: 0, now });
  const app = createApp(config, { log: (message, error) => errors.push(`${message}: ${error instanceof Error ? error.message : String(error)}`) });
  try {
    // What `app.start` does first (migrations, the demo municipality), without its timers.
    await app.db.ready();
    await seedDemoData(app.db);
    const url = await listenOnLoopback(app.server);
    return {
      app,
      url,
      async stop() {
        await app.stop();
        rmSync(dataDir, { recursive: true, force: true });
        if (errors.length) throw new Error(`the server logged ${errors.length} errors, first: ${errors[0]}`);
      },
    };
  } catch (error) {
    await app.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
