import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../test-support/server.ts';

/** The flags Debian's Chromium needs here (see ../shared/DESIGN.md), plus fake camera and microphone. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });

/** A real server (outbox mail, SQLite in a temp dir) and a browser, for one journey. */
export async function startJourney(opts: Parameters<typeof startTestServer>[0] = {}) {
  const server: TestServer = await startTestServer(opts);
  const browser = await launchChromium();
  const pages: Page[] = [];
  return {
    server,
    browser,
    async page(): Promise<Page> {
      const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error.message));
      pages.push(page);
      return page;
    },
    async close() {
      await browser.close();
      await server.cleanup();
    },
  };
}
