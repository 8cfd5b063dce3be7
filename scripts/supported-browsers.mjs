// Renders the README's supported-browsers table from what the cross-engine e2e journeys proved
// (.tmp/browsers/<engine>.json, written by test-support/browser-report.ts during `npm test`).
// Run after the e2e stage: `node scripts/supported-browsers.mjs` (or `npm run browsers:readme`).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.tmp', 'browsers');
const readme = join(root, 'README.md');
const [start, end] = ['<!-- supported-browsers:start -->', '<!-- supported-browsers:end -->'];
const order = ['chromium', 'firefox', 'webkit'];

const reports = existsSync(dir)
  ? readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')))
      .sort((a, b) => order.indexOf(a.engine) - order.indexOf(b.engine))
  : [];
if (reports.length === 0) {
  console.error('No reports in .tmp/browsers: run the e2e tests first (npm test, or the *-journey.test.ts files).');
  process.exit(1);
}

const cell = (text) => text.replaceAll('|', '\\|');
const works = (report) => (report.engine === 'chromium' ? ['every e2e journey (the default engine of the tests)', ...report.works] : report.works);
const rows = reports.map((r) => `| ${r.engine} (${r.browser}) | ${r.version} | ${cell(works(r).join('; '))} | ${cell(r.limits.join('; ') || '–')} |`);
const table = ['| Engine | Version tested | What works | Known limits |', '|---|---|---|---|', ...rows].join('\n');

const text = readFileSync(readme, 'utf8');
const [before, rest] = text.split(start);
if (rest === undefined || !rest.includes(end)) {
  console.error(`README.md has no ${start} … ${end} block`);
  process.exit(1);
}
writeFileSync(readme, `${before}${start}\n${table}\n${end}${rest.split(end)[1]}`);
console.log(table);
