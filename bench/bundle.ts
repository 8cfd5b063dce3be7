import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { figure, type Benchmark } from './table.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const ENTRY = 'digitale-balie.js';
const kb = (bytes: number) => bytes / 1024;
/** What changed in the booking entry and what it saved: update it with the next change. */
const ENTRY_CHANGES =
  'was 30.1 (issue 16): only the Dutch booking texts ship with it, the rest is a lazy chunk (−3.6), the details form loads after the first step (−1.2), no Lit decorators on the booking path (−0.5), the API client in one file with Lit (−0.5), the shared chunks of the booking view asked for with it, for the first view (+0.6, the Rolldown runtime); left: ky is about 4 of it';
const gzipBytes = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);

/** What the bundler says of one output chunk: its source modules and the chunks it imports statically. */
interface ChunkInfo {
  fileName: string;
  moduleIds: string[];
  imports: string[];
}

/**
 * Builds the widget with vite.config.ts into `outDir`, keeping Rolldown's own account of each chunk
 * (`generateBundle`'s output chunks) instead of reading the minified files back.
 */
async function buildWidget(outDir: string): Promise<ChunkInfo[]> {
  const chunks: ChunkInfo[] = [];
  await build({
    configFile: join(root, 'vite.config.ts'),
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
    plugins: [
      {
        name: 'bench-chunk-info',
        generateBundle(_options, output) {
          for (const chunk of Object.values(output)) {
            if (chunk.type === 'chunk') chunks.push({ fileName: chunk.fileName, moduleIds: chunk.moduleIds, imports: chunk.imports });
          }
        },
      },
    ],
  });
  return chunks;
}

/** `start` and every chunk reachable from it through static imports (not the lazy `import()` ones). */
function staticClosure(chunks: ChunkInfo[], start: string[]): string[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    const chunk = byName.get(fileName);
    if (!chunk) throw new Error(`the bundle has no chunk ${fileName}`);
    chunk.imports.forEach(visit);
  };
  start.forEach(visit);
  return [...seen];
}

/** Source modules that ship in more than one chunk: each copy is code the browser downloads twice. */
export function duplicateModules(chunks: ChunkInfo[]): { id: string; chunks: string[] }[] {
  const where = new Map<string, string[]>();
  for (const chunk of chunks) for (const id of chunk.moduleIds) where.set(id, [...(where.get(id) ?? []), chunk.fileName]);
  return [...where].filter(([, files]) => files.length > 1).map(([id, files]) => ({ id: relative(root, id), chunks: files }));
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

export const bundle: Benchmark = {
  name: 'bundle',
  ids: ['bundle.booking_entry_gzip_kb', 'bundle.all_gzip_kb', 'bundle.duplicate_modules'],
  async run() {
    const tmp = mkdtempSync(join(tmpdir(), 'balie-bench-bundle-'));
    try {
      // A private outDir: rebuilding dist/widget under a running server or e2e run would pull files
      // from under it. Same config, so the same chunks.
      const widgetDir = join(tmp, 'widget');
      const chunks = await buildWidget(widgetDir);
      const lit = await litAloneGzipBytes(join(tmp, 'lit'));
      const gzipOf = (fileNames: string[]) => gzipBytes(fileNames.map((fileName) => join(widgetDir, fileName)));

      const all = chunks.map((chunk) => chunk.fileName);
      const bookingView = all.filter((fileName) => /^chunks\/booking-view-[\w-]{8}\.js$/.test(fileName));
      if (bookingView.length !== 1) throw new Error(`expected one booking-view chunk, found ${bookingView.length}`);
      const bookingEntry = staticClosure(chunks, [ENTRY, bookingView[0]!]);
      const parts = bookingEntry
        .map((fileName) => ({ name: fileName.replace(/^chunks\//, '').replace(/-[\w-]{8}\.js$/, ''), bytes: gzipOf([fileName]) }))
        .sort((a, b) => b.bytes - a.bytes)
        .map((part) => `${part.name} ${kb(part.bytes).toFixed(1)}`);
      const largest = all
        .map((fileName) => ({ name: fileName.replace(/^chunks\//, '').replace(/-[\w-]{8}\.js$/, ''), bytes: gzipOf([fileName]) }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 6)
        .map((part) => `${part.name} ${kb(part.bytes).toFixed(1)}`);
      const duplicates = duplicateModules(chunks);
      const modules = new Set(chunks.flatMap((chunk) => chunk.moduleIds)).size;

      return [
        figure({
          id: 'bundle.booking_entry_gzip_kb',
          ours: kb(gzipOf(bookingEntry)),
          baseline: kb(lit),
          target: { on: 'ours', atMost: 20 },
          unit: 'KiB gz',
          note: `${parts.join(' + ')} (each file gzip -9, as served: the build writes .gz/.br beside each chunk); baseline: Lit alone; ${ENTRY_CHANGES}`,
        }),
        figure({
          id: 'bundle.all_gzip_kb',
          ours: kb(gzipOf(all)),
          baseline: kb(lit),
          target: { on: 'ours', atMost: 120 },
          unit: 'KiB gz',
          note: `${all.length} JS files in dist/widget, largest ${largest.join(', ')}; baseline: Lit alone`,
        }),
        figure({
          id: 'bundle.duplicate_modules',
          ours: duplicates.length,
          baseline: modules,
          target: { on: 'ours', atMost: 0 },
          unit: 'modules',
          note: duplicates.length
            ? `shipped twice: ${duplicates.map((d) => `${d.id} in ${d.chunks.join(', ')}`).join('; ')}`
            : `no source module in two chunks (Rolldown's moduleIds per output chunk); baseline: modules shipped`,
        }),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
