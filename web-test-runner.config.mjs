// Widget tests in Debian's Chromium and Firefox ESR, against the real server started by the plugin below.
// Run through `node --import tsx` so this file can start the TypeScript server directly.
import { writeFileSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { startTestServer } from './test-support/server.ts';
import { chromiumArgs, chromiumPath } from './test-support/chromium.mjs';
import { firefoxPath, firefoxPrefs } from './test-support/firefox.mjs';


/** Writes the totals for scripts/test.mjs; a file that failed to load counts as a failure. */
function countReporter(file = '.tmp/widget-counts.json') {
  const count = (suite, totals) => {
    for (const test of suite.tests ?? []) {
      if (test.skipped) totals.skipped++;
      else if (test.passed) totals.passed++;
      else totals.failed++;
    }
    for (const child of suite.suites ?? []) count(child, totals);
    return totals;
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const before = totals.passed + totals.failed;
        if (session.testResults) count(session.testResults, totals);
        if (!session.passed && totals.passed + totals.failed === before) totals.failed++;
        else if (session.errors?.length && totals.failed === 0) totals.failed++;
      }
      mkdirSync('.tmp', { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}

/**
 * The real server of this run, started by the plugin below, and a second one whose disk counts as
 * full (every new upload is refused with 507 storage_full).
 */
const balie = { server: undefined, full: undefined };

const outbox = (dataDir) => {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
};

/**
 * Uppy 6 does not load module by module in the runner: it imports its package.json with an import
 * attribute (which the runner's esbuild 0.17 cannot parse) and a few CommonJS dependencies (lodash,
 * url-parse under tus-js-client's `browser` build). So `@uppy/core` and `@uppy/tus` are served as one
 * bundle made by a current esbuild, the way Vite bundles them for the real widget.
 */
function bundledUppy() {
  const shims = { '@uppy/core': 'Uppy', '@uppy/tus': 'Tus' };
  let bundle;
  return {
    name: 'bundled-uppy',
    resolveImport({ source }) {
      if (source in shims) return `/__uppy/${shims[source]}.js`;
    },
    async serve(context) {
      if (!context.path.startsWith('/__uppy/')) return undefined;
      bundle ??= build({
        stdin: { contents: "export { default as Uppy } from '@uppy/core'; export { default as Tus } from '@uppy/tus';", resolveDir: process.cwd(), loader: 'js' },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
      }).then((result) => result.outputFiles[0].text);
      if (context.path === '/__uppy/bundle.js') return { body: await bundle, type: 'js' };
      const name = context.path.slice('/__uppy/'.length, -'.js'.length);
      return { body: `export { ${name} as default } from '/__uppy/bundle.js';`, type: 'js' };
    },
  };
}

/** Starts the real Digitale Balie server (SQLite in a temp dir) and tells the tests its URL. */
function balieServer() {
  return {
    name: 'balie-server',
    async serverStart() {
      balie.server = await startTestServer({ env: { ALLOWED_ORIGINS: '*', LANGUAGES: 'nl,fr,en,de' } });
      balie.full = await startTestServer({ env: { ALLOWED_ORIGINS: '*', MIN_FREE_DISK_MB: '100000000' } });
    },
    async serverStop() {
      await balie.server?.cleanup();
      await balie.full?.cleanup();
    },
    serve(context) {
      if (context.path === '/__balie-server') return { body: JSON.stringify({ url: balie.server.url }), type: 'json' };
      if (context.path === '/__balie-server-full') return { body: JSON.stringify({ url: balie.full.url }), type: 'json' };
      // The mails the server wrote so far (outbox mode), for tests that need a companion's link.
      if (context.path === '/__balie-mailbox') return { body: JSON.stringify(outbox(balie.server.dataDir)), type: 'json' };
    },
  };
}

/**
 * Makes the test page's origin stand in for the server's: the staff console runs same-origin with a
 * SameSite=Strict session cookie, which a page on another origin can never send. Requests to
 * /api/* are streamed through as they are (Server-Sent Events included), with Host and Origin
 * naming the server, as a reverse proxy in front of it would. The cookie lands on the test origin.
 */
function proxyApi(ctx, next) {
  if (!ctx.path.startsWith('/api/') || !balie.server) return next();
  const target = new URL(balie.server.url);
  const headers = { ...ctx.req.headers, host: target.host };
  if (headers.origin) headers.origin = target.origin;
  ctx.respond = false;
  return new Promise((resolve) => {
    const upstream = request({ hostname: target.hostname, port: target.port, method: ctx.method, path: ctx.url, headers }, (response) => {
      ctx.res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(ctx.res);
      response.on('end', resolve);
    });
    upstream.on('error', (error) => {
      if (!ctx.res.headersSent) ctx.res.writeHead(502, { 'content-type': 'text/plain' });
      ctx.res.end(String(error));
      resolve();
    });
    // The browser left (an EventSource closed): drop the upstream stream too.
    ctx.res.on('close', () => {
      upstream.destroy();
      resolve();
    });
    ctx.req.pipe(upstream);
  });
}

export default {
  files: ['packages/widget/src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  hostname: '127.0.0.2',
  concurrency: 1,
  // One browser at a time: Chromium and Firefox side by side double the load on a 2-core machine and
  // make the timing-sensitive tests (a 507 shown within 2.5 s) race.
  concurrentBrowsers: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs } }),
    // Debian's Firefox ESR through puppeteer-core's WebDriver BiDi support (the launcher takes any
    // browser puppeteer can start); named, since the launcher calls every browser "Chrome".
    Object.assign(chromeLauncher({ launchOptions: { browser: 'firefox', executablePath: firefoxPath, headless: true, extraPrefsFirefox: firefoxPrefs } }), { name: 'Firefox' }),
  ],
  middleware: [proxyApi],
  plugins: [bundledUppy(), esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }), balieServer()],
  reporters: [defaultReporter(), summaryReporter(), countReporter()],
};
