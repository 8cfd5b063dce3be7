import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Builder, type WebDriver, type WebElement } from 'selenium-webdriver';
import { freePort } from './server.ts';

/**
 * WebKitGTK for the e2e tests: Debian's `webkit2gtk-driver` (WebKitWebDriver, classic W3C WebDriver)
 * starts the MiniBrowser that comes with libwebkit2gtk, on a virtual X server (Xvfb), driven with
 * selenium-webdriver. Playwright's own WebKit cannot be downloaded here. Mock camera and microphone
 * come from the MiniBrowser's WebKitSettings (`--enable-mock-capture-devices`), as on a Mac's Safari
 * with a fake device.
 */
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const miniBrowserPath = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** MiniBrowser switches (each one a WebKitSettings property); `--automation` lets WebDriver drive it. */
export const miniBrowserArgs = ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true', '--enable-webrtc=true', '--enable-developer-extras=false'];

/** Starts `command`; `started` resolves with the first group of `ready` once it matches what the process printed on `fd`. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready?: RegExp, fd: 1 | 2 | 3 = 2) {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.resume();
  child.stderr!.resume();
  const started = !ready ? Promise.resolve('') : new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    };
    (child.stdio[fd] as NodeJS.ReadableStream).on('data', onData);
    if (fd !== 2) child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { started, stop };
}

export interface WebKit {
  driver: WebDriver;
  /** The engine's version as WebKitWebDriver reports it (the libwebkit2gtk version, e.g. "2.50.6"). */
  version: string;
  close(): Promise<void>;
}

/** Xvfb on a free display, WebKitWebDriver on a free port, and one MiniBrowser session. */
export async function launchWebKit(): Promise<WebKit> {
  // -displayfd: Xvfb picks a free display and writes its number to fd 3 when it is ready.
  const xvfb = startProcess('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], process.env, /^(\d+)\n/, 3);
  const display = await xvfb.started;
  const port = await freePort();
  const driverProcess = startProcess(webkitDriverPath, [`--port=${port}`, '--host=127.0.0.1'], { ...process.env, DISPLAY: `:${display}` });
  // WebKitWebDriver prints nothing when it is ready: poll its status instead.
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${port}`)
    .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowserPath, args: miniBrowserArgs } })
    .build();
  const version = String((await driver.getCapabilities()).get('browserVersion'));
  return {
    driver,
    version,
    async close() {
      await driver.quit().catch(() => {});
      await driverProcess.stop();
      await xvfb.stop();
    },
  };
}

/** Whether this machine has what launchWebKit needs (CI installs it: .ci/run). */
export const webkitAvailable = () => existsSync(webkitDriverPath) && existsSync(miniBrowserPath);

/**
 * Finds an element across shadow roots, as a person reads the page: a button or link by its text or
 * aria-label, a form field by its label, a radio or checkbox by its label, or any visible text.
 * WebDriver's own selectors stop at shadow roots, and the widget lives in them.
 */
const FIND = `
const [kind, source, flags] = arguments;
const wanted = new RegExp(source, flags);
const all = [];
const walk = (root) => { for (const el of root.querySelectorAll('*')) { all.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
walk(document);
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const text = (el) => (el.getAttribute('aria-label') || el.textContent || '').replace(/\\s+/g, ' ').trim();
const labelOf = (el) => el.getAttribute('aria-label') || [...(el.labels || [])].map((l) => l.textContent.replace(/\\s+/g, ' ').trim()).join(' ');
if (kind === 'button') return all.find((el) => (el.tagName === 'BUTTON' || el.tagName === 'A') && visible(el) && wanted.test(text(el))) || null;
if (kind === 'field') return all.find((el) => /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && wanted.test(labelOf(el))) || null;
if (kind === 'choice') return all.find((el) => el.tagName === 'INPUT' && /radio|checkbox/.test(el.type) && wanted.test(labelOf(el))) || null;
if (kind === 'heading') return all.find((el) => /^H[1-6]$/.test(el.tagName) && visible(el) && wanted.test(text(el))) || null;
return all.find((el) => visible(el) && el.children.length === 0 && wanted.test(el.textContent.replace(/\\s+/g, ' ').trim())) || all.find((el) => visible(el) && !el.shadowRoot && wanted.test((el.textContent || '').replace(/\\s+/g, ' ').trim()) && [...el.children].every((c) => !wanted.test((c.textContent || '').replace(/\\s+/g, ' ').trim()))) || null;
`;

export type Kind = 'button' | 'field' | 'choice' | 'heading' | 'text';
const pattern = (name: string | RegExp) => (typeof name === 'string' ? { source: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, flags: '' } : { source: name.source, flags: name.flags });

/** Waits for an element (see FIND) and returns it; fails naming what was missing. */
export async function find(driver: WebDriver, kind: Kind, name: string | RegExp, timeoutMs = 15_000): Promise<WebElement> {
  const { source, flags } = pattern(name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const element = (await driver.executeScript(FIND, kind, source, flags)) as WebElement | null;
    if (element) return element;
    if (Date.now() > deadline) throw new Error(`WebKit: no ${kind} ${String(name)} on ${await driver.getCurrentUrl()}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The small vocabulary the WebKit journeys read in: click, fill, check, wait for. */
export const webkitPage = (driver: WebDriver) => ({
  goto: (url: string) => driver.get(url),
  click: async (kind: Kind, name: string | RegExp) => (await find(driver, kind, name)).click(),
  fill: async (label: string | RegExp, value: string) => {
    const field = await find(driver, 'field', label);
    await field.clear();
    await field.sendKeys(value);
  },
  /** Ticks a radio or checkbox; one that is visually hidden behind its label is clicked from the page. */
  check: async (name: string | RegExp) => {
    const input = await find(driver, 'choice', name);
    await input.click().catch(() => driver.executeScript('arguments[0].click()', input));
  },
  waitFor: (kind: Kind, name: string | RegExp, timeoutMs?: number) => find(driver, kind, name, timeoutMs),
  attribute: async (kind: Kind, name: string | RegExp, attribute: string) => (await find(driver, kind, name)).getAttribute(attribute),
});
