// `npm run bench [-- name…]`: runs each benchmark in turn, prints one table, writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { booking } from './booking.ts';
import { bundle } from './bundle.ts';
import { slots } from './slots.ts';
import { failedFigure, formatTable, type Benchmark, type Figure } from './table.ts';

/** Adding a benchmark: one module exporting a `Benchmark`, one entry here. */
const benchmarks: Benchmark[] = [bundle, slots, booking];

const only = process.argv.slice(2);
const figures: Figure[] = [];
for (const benchmark of benchmarks.filter((b) => only.length === 0 || only.includes(b.name))) {
  const started = Date.now();
  process.stderr.write(`bench ${benchmark.name}… `);
  try {
    figures.push(...(await benchmark.run()));
  } catch (error) {
    figures.push(failedFigure(benchmark.name, error));
  }
  process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

console.log(formatTable(figures));
writeFileSync(fileURLToPath(new URL('results.json', import.meta.url)), `${JSON.stringify(figures, null, 2)}\n`);
const failed = figures.filter((f) => !f.pass).length;
console.log(`\n${figures.length - failed} passed, ${failed} failed (bench/results.json)`);
