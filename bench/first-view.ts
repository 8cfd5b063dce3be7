// The citizen's first view on a slow phone, in real Chromium:
// - widget.first_view_ratio: from navigation start of a page with `<digitale-balie service=…>` until
//   the first booking step is on screen, heading and choices (for the demo's mantelzorgpremie: "Hoe
//   wilt u ons spreken?" with its channels, which the widget derives from the service's free times),
//   vs a bare Lit element that fetches the same slot JSON and renders its times as buttons under a
//   heading. The phone: CPU throttled 4× and a slow 4G-ish line (150 ms latency, 1.6 Mbit/s down,
//   750 kbit/s up) through the DevTools protocol, a fresh browser context (empty cache) per load.
//   Both pages, both scripts and the API come from the same server process: the widget from its
//   /widget/ mount in dist/widget as built (`npm run build` first), the bare element and both host
//   pages from koa-static with the same options under /first-view/, both with their .gz/.br beside them. Median of RUNS loads each,
//   alternating, after one warm-up load of each.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import serve from 'koa-static';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { precompressed } from '../vite.config.ts';
import { benchClock } from './fixtures.ts';
import { quantile } from './measure.ts';
import { startBenchServer } from './server.ts';
import { figure, type Benchmark } from './table.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const RUNS = Number(process.env.BENCH_FIRST_VIEW_RUNS ?? 7);
const SERVICE = 'mantelzorgpremie';
const PREFIX = '/first-view/';
const LOAD_TIMEOUT_MS = 30_000;
/** A slow 4G-ish phone line, in bytes per second as the DevTools protocol takes them. */
const LINE = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const CPU_SLOWDOWN = 4;
/** What changed for the first view and what it saved: update it with the next change. */
const CHANGES =
  'first measured at 1.67 (2800 vs 1680 ms): chunks now served precompressed (.gz/.br from the build) and the first step asks for the service, its free times and the locations at once (was one after the other), the entry imports the API client and the Dutch booking texts directly and asks for the shared chunks of the booking view with it (each a round trip earlier; the last costs 0.6 KiB gz of the entry for the Rolldown runtime)';

/** The baseline: Lit alone, one element, the same slot request as the widget's first step. */
const BARE_ELEMENT = `import { LitElement, html } from 'lit';
const format = new Intl.DateTimeFormat('nl-BE', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' });
class BareSlots extends LitElement {
  static properties = { slots: { state: true } };
  connectedCallback() {
    super.connectedCallback();
    fetch('/api/services/' + encodeURIComponent(this.getAttribute('service')) + '/slots?days=42')
      .then((response) => response.json())
      .then((body) => (this.slots = body.slots));
  }
  render() {
    if (!this.slots) return html\`<p>Even geduld…</p>\`;
    return html\`<h2 data-step-heading>Kies een dag en uur</h2>
      <ul>\${this.slots.map((slot) => html\`<li><button>\${format.format(new Date(slot.start))}</button></li>\`)}</ul>\`;
  }
}
customElements.define('bare-slots', BareSlots);
`;

/**
 * The host page: the element, and a check on every frame that records (in ms since navigation
 * start) when the step's heading and at least one of its choices are in the element's shadow DOM.
 */
const hostPage = (script: string, element: string) => `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Afspraak</title>
<script type="module" src="${script}"></script></head>
<body>
<h1>Gemeente Wilsede</h1>
${element}
<script>
  const deep = (node, selector) => {
    const found = node.querySelector(selector);
    if (found) return found;
    for (const el of node.querySelectorAll('*')) if (el.shadowRoot) { const inner = deep(el.shadowRoot, selector); if (inner) return inner; }
    return null;
  };
  const check = () => {
    if (deep(document, '[data-step-heading]') && deep(document, 'input[name=channel], input[name=slot], li button')) window.firstView = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
</script>
</body>
</html>
`;

/** Builds the bare element with Lit, minified and precompressed like the widget (same bundler, target, plugin). */
async function buildBare(dir: string) {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const entryDir = mkdtempSync(join(root, '.tmp', 'bench-first-view-'));
  const entry = join(entryDir, 'bare-slots.js');
  writeFileSync(entry, BARE_ELEMENT);
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      publicDir: false,
      plugins: [precompressed()],
      build: { outDir: dir, emptyOutDir: true, target: 'es2022', lib: { entry, formats: ['es'], fileName: () => 'bare-slots.js' }, rolldownOptions: { output: { minify: true } } },
    });
  } finally {
    rmSync(entryDir, { recursive: true, force: true });
  }
}

/** ms from navigation start to the first step on screen, in a fresh context on the slow phone. */
async function firstView(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', LINE);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(() => (window as unknown as { firstView?: number }).firstView, undefined, { timeout: LOAD_TIMEOUT_MS, polling: 100 });
    return (await handle.jsonValue()) as number;
  } finally {
    await context.close();
  }
}

export const firstViewBench: Benchmark = {
  name: 'first-view',
  ids: ['widget.first_view_ratio'],
  timeLimitMs: 240_000,
  async run() {
    if (!existsSync(join(root, 'dist/widget/digitale-balie.js'))) throw new Error('dist/widget is not built: run npm run build first');
    const dir = mkdtempSync(join(root, '.tmp', 'first-view-site-'));
    const server = await startBenchServer(benchClock());
    let browser: Browser | undefined;
    try {
      await buildBare(dir);
      writeFileSync(join(dir, 'widget.html'), hostPage('/widget/digitale-balie.js', `<digitale-balie service="${SERVICE}"></digitale-balie>`));
      writeFileSync(join(dir, 'bare.html'), hostPage(`${PREFIX}bare-slots.js`, `<bare-slots service="${SERVICE}"></bare-slots>`));
      // The same process and port as the widget: /first-view/ goes to koa-static with the options
      // the server's /widget/ mount uses, everything else to the app as it is.
      const site = new Koa().use(serve(dir, { maxage: 300_000 })).callback();
      const http = server.app.server;
      const app = http.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
      http.removeAllListeners('request');
      http.on('request', (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.startsWith(PREFIX)) return app.forEach((listener) => listener(req, res));
        req.url = `/${req.url.slice(PREFIX.length)}`;
        void site(req, res);
      });

      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      const widgetUrl = `${server.url}${PREFIX}widget.html`;
      const bareUrl = `${server.url}${PREFIX}bare.html`;
      await firstView(browser, widgetUrl);
      await firstView(browser, bareUrl);
      const ours: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(await firstView(browser, widgetUrl));
        bare.push(await firstView(browser, bareUrl));
      }
      const list = (samples: number[]) => samples.map((ms) => Math.round(ms)).join('/');
      // Each widget load against the bare load right after it: both saw about the same machine load.
      const paired = ours.map((ms, i) => ms / bare[i]!);
      const load = loadavg()[0]!.toFixed(1);
      return [
        figure({
          id: 'widget.first_view_ratio',
          ours: quantile(ours, 0.5),
          baseline: quantile(bare, 0.5),
          target: { on: 'ratio', atMost: 1.5 },
          unit: 'ms',
          note:
            `median navigation→first booking step on screen (heading and its choices), CPU 4× slower, 150 ms, 1.6/0.75 Mbit/s, empty cache; ` +
            `widget ${list(ours)} vs a bare Lit element rendering the same slot JSON ${list(bare)}; ` +
            `median of the paired ratios ${quantile(paired, 0.5).toFixed(2)}; load average ${load} on ${cpus().length} cores after the run; ${CHANGES}`,
        }),
      ];
    } finally {
      await browser?.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
