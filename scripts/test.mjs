// Runs every stage of `npm test` and closes with one line: "N passed, N failed".
// Type-check, lint and build count as one check each; test stages count their tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const only = process.argv.slice(2);

const findTests = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir), { recursive: true, withFileTypes: false })
        .filter((file) => /\.test\.ts$/.test(file) && !file.includes('node_modules'))
        .map((file) => relative(root, join(root, dir, file)))
        .sort()
    : [];

/**
 * The server stage runs twice: on SQLite (the embedded default) and on PostgreSQL (DATABASE_URL,
 * several instances). `.ci/run` makes this role and database; elsewhere set TEST_DATABASE_URL.
 */
const testDatabaseUrl = process.env.TEST_DATABASE_URL || 'postgres://balie_test:balie_test@127.0.0.1:5432/balie_test';

const nodeTests = (name, dirs, env = {}) => {
  const files = dirs.flatMap(findTests);
  const out = join(tmp, `${name}-counts.json`);
  return {
    name,
    command: [
      'node',
      '--import', 'tsx',
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/count-reporter.mjs', `--test-reporter-destination=${out}`,
      ...files,
    ],
    counts: out,
    skipIf: files.length === 0,
    env,
  };
};

const stages = [
  { name: 'typecheck', command: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', command: ['npx', 'eslint', '.'] },
  // The bundle, its TypeScript declarations, custom-elements.json from the elements' JSDoc, the demo site's scripts (one check: all are the build).
  { name: 'build', command: ['sh', '-c', 'npx vite build --logLevel warn && npm run --silent types && npm run --silent manifest && npm run --silent demo'] },
  nodeTests('server', ['packages/contract/src', 'packages/server/src'], { TEST_DATABASE_URL: '' }),
  nodeTests('server-pg', ['packages/server/src'], { TEST_DATABASE_URL: testDatabaseUrl }),
  { name: 'widget', command: ['node', '--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'], counts: join(tmp, 'widget-counts.json') },
  nodeTests('e2e', ['e2e']),
].filter((stage) => only.length === 0 || only.includes(stage.name));

let passed = 0;
let failed = 0;
const summary = [];
for (const stage of stages) {
  if (stage.skipIf) continue;
  if (stage.counts) rmSync(stage.counts, { force: true });
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const run = spawnSync(stage.command[0], stage.command.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...stage.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let stagePassed = 0;
  let stageFailed = 0;
  if (stage.counts) {
    const counts = existsSync(stage.counts) ? JSON.parse(readFileSync(stage.counts, 'utf8')) : { passed: 0, failed: 0 };
    stagePassed = counts.passed;
    stageFailed = counts.failed;
    // A runner that crashed before reporting must not look green.
    if (run.status !== 0 && stageFailed === 0) stageFailed = 1;
  } else if (run.status === 0) stagePassed = 1;
  else stageFailed = 1;
  passed += stagePassed;
  failed += stageFailed;
  summary.push(`${stage.name.padEnd(10)} ${String(stagePassed).padStart(4)} passed ${String(stageFailed).padStart(3)} failed  ${seconds}s`);
}
console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
