// Writes the widget's TypeScript declarations to dist/widget/types (index.d.ts and what it imports):
// the elements, every public event with its GlobalEventHandlersEventMap entry, and the tag names.
// tsc keeps our `.ts` import specifiers in declarations; consumers resolve `.js` to `.d.ts`, so the
// specifiers are rewritten (rewriteRelativeImportExtensions does this for JavaScript only).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'dist/widget/types');
const tsc = spawnSync('npx', ['tsc', '-p', 'packages/widget/tsconfig.types.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let files = 0;
for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'))) {
  const path = join(outDir, file);
  const text = readFileSync(path, 'utf8');
  // `from './x.ts'`, `import './x.ts'` and `import('./x.ts')`, relative specifiers only.
  writeFileSync(path, text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3'));
  files++;
}
console.log(`widget types: ${files} declaration files in dist/widget/types`);
