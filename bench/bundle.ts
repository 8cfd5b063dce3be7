import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { figure, type Benchmark } from './table.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const ENTRY = 'digitale-balie.js';
const kb = (bytes: number) => bytes / 1024;
const gzipBytes = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);

/**
 * The modules a file imports statically (`import … from "./x.js"`, `export … from`, bare
 * `import "./x.js"`), not the lazy `import("./x.js")` ones. Rolldown emits only relative specifiers
 * between chunks, so a regex over the minified output is enough.
 */
export function staticImports(code: string): string[] {
  const specifiers = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{][^;'"`]*?from\s*)?["']([^"']+)["']/g)) specifiers.add(m[1]!);
  return [...specifiers].filter((s) => s.startsWith('.'));
}

/** `start` and every file reachable from it through static imports. */
function staticClosure(start: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) visit(resolve(dirname(file), specifier));
  };
  start.forEach(visit);
  return [...seen];
}

function run(command: string, args: string[]) {
  return new Promise<void>((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** Lit alone, minified by the same bundler and options as the widget: the floor any Lit widget pays. */
async function litAloneGzipBytes(dir: string): Promise<number> {
  // The entry sits inside the repository so that `lit` resolves from our node_modules.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const entryDir = mkdtempSync(join(root, '.tmp', 'bench-lit-'));
  const entry = join(entryDir, 'lit-alone.js');
  writeFileSync(entry, "export * from 'lit';\n");
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      publicDir: false,
      build: {
        outDir: dir,
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry, formats: ['es'], fileName: () => 'lit.js' },
        rolldownOptions: { output: { minify: true } },
      },
    });
  } finally {
    rmSync(entryDir, { recursive: true, force: true });
  }
  return gzipBytes([join(dir, 'lit.js')]);
}

const jsFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(dir, file));

export const bundle: Benchmark = {
  name: 'bundle',
  ids: ['bundle.booking_entry_gzip_kb', 'bundle.all_gzip_kb'],
  async run() {
    const tmp = mkdtempSync(join(tmpdir(), 'balie-bench-bundle-'));
    try {
      // A private outDir: rebuilding dist/widget under a running server or e2e run would pull files
      // from under it. Same config, so the same chunks.
      const widgetDir = join(tmp, 'widget');
      await run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', widgetDir, '--emptyOutDir']);
      const lit = await litAloneGzipBytes(join(tmp, 'lit'));

      const all = jsFiles(widgetDir);
      const bookingView = all.filter((file) => /^booking-view-.*\.js$/.test(relative(join(widgetDir, 'chunks'), file)));
      if (bookingView.length !== 1) throw new Error(`expected one booking-view chunk, found ${bookingView.length}`);
      const bookingEntry = staticClosure([join(widgetDir, ENTRY), bookingView[0]!]);
      const parts = bookingEntry
        .map((file) => ({ name: relative(widgetDir, file).replace(/^chunks\//, '').replace(/-[\w-]{8}\.js$/, ''), bytes: gzipBytes([file]) }))
        .sort((a, b) => b.bytes - a.bytes)
        .map((part) => `${part.name} ${kb(part.bytes).toFixed(1)}`);

      return [
        figure({
          id: 'bundle.booking_entry_gzip_kb',
          ours: kb(gzipBytes(bookingEntry)),
          baseline: kb(lit),
          target: { on: 'ours', atMost: 20 },
          unit: 'KiB gz',
          note: `${parts.join(' + ')} (each file gzip -9, as served); baseline: Lit alone`,
        }),
        figure({
          id: 'bundle.all_gzip_kb',
          ours: kb(gzipBytes(all)),
          baseline: kb(lit),
          target: { on: 'ours', atMost: 120 },
          unit: 'KiB gz',
          note: `${all.length} JS files in dist/widget; baseline: Lit alone`,
        }),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
