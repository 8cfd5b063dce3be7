// Builds the demo site's scripts into dist/demo-site (served after public/): the React page's bundle, the
// docs module, and the README's configuration and webhook tables as JSON for the docs (one source of
// truth, no copy to keep in step). The widget itself is built by the root vite.config.ts.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const outdir = join(here, '../../dist/demo-site');

await build({
  entryPoints: {
    'react/app': join(here, 'src/react/main.tsx'),
    'docs/docs': join(here, 'src/docs/docs.ts'),
  },
  outdir,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  // React's production build: no development warnings, and nothing that needs eval.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

/** The first Markdown table after the heading `## <heading>`, as rows of raw cells (header row first). */
function tableAfter(markdown, heading) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  const rows = [];
  for (let i = first; i < lines.length && lines[i].startsWith('|'); i++) {
    if (/^\|\s*-/.test(lines[i])) continue;
    rows.push(lines[i].replace(/^\|\s*|\s*\|$/g, '').split(/\s+\|\s+/));
  }
  return rows;
}

const readme = readFileSync(join(here, '../../README.md'), 'utf8');
mkdirSync(join(outdir, 'docs'), { recursive: true });
writeFileSync(
  join(outdir, 'docs/readme-tables.json'),
  JSON.stringify({
    configuration: tableAfter(readme, 'Configuration (environment variables)'),
    webhooks: tableAfter(readme, 'For integrators: webhooks'),
  }),
);
