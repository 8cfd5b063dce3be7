import { createReadStream } from 'node:fs';

/** A virus scan of a finished upload. Throws when the scan itself could not run. */
export interface Scanner {
  scan(path: string): Promise<{ infected: boolean; viruses: string[] }>;
}

/**
 * clamd over TCP (INSTREAM) through the `clamscan` client. Loaded only when CLAMAV_HOST is set, and
 * never falls back to a local binary: a missing clamd must refuse uploads, not skip the scan.
 */
export function clamavScanner(opts: { host: string; port: number; timeoutMs?: number }): Scanner {
  const client = import('clamscan').then(({ default: NodeClam }) =>
    new NodeClam().init({
      removeInfected: false,
      preference: 'clamdscan',
      clamdscan: { host: opts.host, port: opts.port, timeout: opts.timeoutMs ?? 60_000, localFallback: false, bypassTest: true },
      clamscan: { active: false },
    }),
  );
  // Reported at scan time instead, as a refusal; never an unhandled rejection at start-up.
  client.catch(() => {});
  return {
    async scan(path) {
      const result = await (await client).scanStream(createReadStream(path));
      return { infected: result.isInfected === true, viruses: result.viruses ?? [] };
    },
  };
}
