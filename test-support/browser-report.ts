import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the cross-engine journeys proved, per engine, for the README's supported-browsers table
 * (scripts/supported-browsers.mjs renders it): each passing journey step adds its line to
 * `.tmp/browsers/<engine>.json`, with the browser version the test ran.
 */
export interface EngineReport {
  engine: string;
  browser: string;
  version: string;
  works: string[];
  limits: string[];
}

const dir = join(new URL('..', import.meta.url).pathname, '.tmp', 'browsers');

export function reportEngine(engine: string, browser: string, version: string, entry: { works?: string; limit?: string }) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${engine}.json`);
  const report: EngineReport = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { engine, browser, version, works: [], limits: [] };
  Object.assign(report, { browser, version });
  if (entry.works && !report.works.includes(entry.works)) report.works.push(entry.works);
  if (entry.limit && !report.limits.includes(entry.limit)) report.limits.push(entry.limit);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
