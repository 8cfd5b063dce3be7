// `npm run bench [-- name…]`: runs each benchmark in turn, prints one table, writes bench/results.json.
// A full run also writes bench/run-info.json (the machine) and README's "Figures" section from both;
// a partial run replaces only its own rows in results.json.
// Exits non-zero only when a benchmark could not measure (an error or a time-out), not on a missed target.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { booking } from './booking.ts';
import { bundle } from './bundle.ts';
import { call } from './call.ts';
import { firstViewBench } from './first-view.ts';
import { rtt } from './rtt.ts';
import { scaleOut } from './scale-out.ts';
import { signalling } from './signalling.ts';
import { slots } from './slots.ts';
import { upload } from './upload.ts';
import { weakLine } from './weak-line.ts';
import { writeReadmeFigures, type RunInfo } from './readme.ts';
import { failedFigure, formatTable, type Benchmark, type Figure } from './table.ts';

/** Adding a benchmark: one module exporting a `Benchmark`, one entry here. */
const benchmarks: Benchmark[] = [bundle, firstViewBench, slots, booking, call, rtt, signalling, upload, weakLine, scaleOut];
const TIME_LIMIT_MS = 150_000;

const only = process.argv.slice(2);
const figures: Figure[] = [];
const loadBefore = loadavg()[0]!;
let broken = false;
for (const benchmark of benchmarks.filter((b) => only.length === 0 || only.includes(b.name))) {
  const started = Date.now();
  process.stderr.write(`bench ${benchmark.name}… `);
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = benchmark.timeLimitMs ?? TIME_LIMIT_MS;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no result within ${limit / 1000} s`)), limit);
    });
    const measured = await Promise.race([benchmark.run(), timeout]);
    const missing = benchmark.ids.filter((id) => !measured.some((f) => f.id === id));
    figures.push(...measured, ...missing.map((id) => failedFigure(id, new Error('not reported'))));
    broken ||= missing.length > 0;
  } catch (error) {
    figures.push(...benchmark.ids.map((id) => failedFigure(id, error)));
    broken = true;
  } finally {
    clearTimeout(timer);
  }
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

console.log(formatTable(figures));
const resultsFile = fileURLToPath(new URL('results.json', import.meta.url));
// A partial run keeps the other benchmarks' rows of the last run, in the benchmarks' order.
const kept = only.length && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Figure[]) : [];
const order = benchmarks.flatMap((b) => b.ids);
const rank = (f: Figure) => (order.includes(f.id) ? order.indexOf(f.id) : order.length);
const written = [...kept.filter((k) => !figures.some((f) => f.id === k.id)), ...figures].sort((a, b) => rank(a) - rank(b));
writeFileSync(resultsFile, `${JSON.stringify(written, null, 2)}\n`);
if (only.length === 0) {
  const info: RunInfo = {
    at: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    node: process.versions.node,
    loadBefore,
    loadAfter: loadavg()[0]!,
  };
  writeFileSync(fileURLToPath(new URL('run-info.json', import.meta.url)), `${JSON.stringify(info, null, 2)}\n`);
  writeReadmeFigures();
}
const failed = figures.filter((f) => !f.pass).length;
console.log(`\n${figures.length - failed} passed, ${failed} failed (bench/results.json)`);
// A benchmark that timed out may still hold a server or socket open: end here rather than hang.
if (broken) process.exit(1);
