import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

// Everything the server writes (database, mails, uploads, the link secret) is for its own user only.
process.umask(0o077);

/** How long requests under way may take to finish once the instance stops taking new ones. */
const STOP_GRACE_MS = 10_000;

try {
  const config = loadConfig();
  const app = createApp(config);
  await app.start();
  console.log(`Digitale Balie listens on ${config.publicUrl} (data in ${config.dataDir}${config.smtpUrl ? '' : ', mails in the outbox: /demo/mailbox'})`);
  const stop = async (signal: string) => {
    console.log(`${signal} received, stopping`);
    // Out of the load balancer's rotation first, while still answering; then finish what is under way.
    app.drain();
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    await app.stop({ graceMs: STOP_GRACE_MS });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
