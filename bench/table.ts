/** One row of the bench table and of bench/results.json. */
export interface Figure {
  id: string;
  ours: number;
  baseline: number;
  /** ours / baseline, both measured in the same run. */
  ratio: number;
  /** What must hold, e.g. "<= 20" (on `ours`) or "ratio <= 2". */
  target: string;
  pass: boolean;
  unit: string;
  note: string;
}

/** A benchmark measures its figures and stops everything it started, also when it fails. */
export interface Benchmark {
  name: string;
  /** The figures it reports: a benchmark that throws still gets a failed row for each. */
  ids: string[];
  /** How long it may take before it counts as hung (default in run.ts). */
  timeLimitMs?: number;
  run(): Promise<Figure[]>;
}

export type Target = { on: 'ours' | 'ratio'; atMost: number } | { on: 'ours' | 'ratio'; atLeast: number };

/** Builds a figure: computes the ratio and checks the target, so no benchmark judges itself by hand. */
export function figure(f: { id: string; ours: number; baseline: number; target: Target; unit: string; note?: string }): Figure {
  const ratio = f.ours / f.baseline;
  const value = f.target.on === 'ratio' ? ratio : f.ours;
  const [op, bound] = 'atMost' in f.target ? ['<=', f.target.atMost] : ['>=', f.target.atLeast];
  const pass = Number.isFinite(value) && (op === '<=' ? value <= bound : value >= bound);
  return {
    id: f.id,
    ours: round(f.ours),
    baseline: round(f.baseline),
    ratio: round(ratio),
    target: `${f.target.on === 'ratio' ? 'ratio ' : ''}${op} ${bound}`,
    pass,
    unit: f.unit,
    note: f.note ?? '',
  };
}

/** A row for a figure that could not be measured, so a crash never reads as "no figure". */
export function failedFigure(id: string, error: unknown): Figure {
  const message = error instanceof Error ? error.message : String(error);
  return { id, ours: NaN, baseline: NaN, ratio: NaN, target: '', pass: false, unit: '', note: `error: ${message}` };
}

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(4)) : n);

export function formatTable(figures: Figure[]): string {
  const header = ['figure', 'ours', 'baseline', 'ratio', 'target', 'pass/fail', 'unit', 'note'];
  const rows = figures.map((f) => [f.id, num(f.ours), num(f.baseline), num(f.ratio), f.target, f.pass ? 'pass' : 'FAIL', f.unit, f.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 7 ? 0 : r[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 7 ? cell : i >= 1 && i <= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w)).slice(0, 7).concat('----')), ...rows.map(line)].join('\n');
}

const num = (n: number) => (Number.isFinite(n) ? String(n) : '—');
