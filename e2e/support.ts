import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { startTestServer, type TestServer } from '../test-support/server.ts';


export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });

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
