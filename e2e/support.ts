import { chromium, firefox, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { firefoxLauncher, firefoxPrefs } from '../test-support/firefox.mjs';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { DEMO_PASSWORD } from '../test-support/staff.ts';

/** `extraArgs` adds to the shared flags, e.g. a file as the fake camera (`--use-file-for-fake-video-capture=…`). */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] });

/** The engines a journey can open pages in: Debian's Chromium, and Firefox ESR over WebDriver BiDi. */
export type Engine = 'chromium' | 'firefox';

/** Debian's Firefox ESR with fake devices and loopback ICE (test-support/firefox.mjs); `prefs` add to those. */
export const launchFirefox = (prefs: Record<string, string | number | boolean> = {}): Promise<Browser> =>
  firefox.launch({ channel: 'moz-firefox', executablePath: firefoxLauncher, firefoxUserPrefs: { ...firefoxPrefs, ...prefs } });

/** A real server (outbox mail, SQLite in a temp dir) and a browser, for one journey. */
export async function startJourney(opts: Parameters<typeof startTestServer>[0] = {}, browserArgs: string[] = []) {
  const server: TestServer = await startTestServer(opts);
  const browser = await launchChromium(browserArgs);
  // Firefox starts only for a journey that asks for a page in it.
  let firefoxBrowser: Promise<Browser> | undefined;
  const pages: Page[] = [];
  return {
    server,
    browser,
    /** A new page (its own context: no shared storage) in `engine`, Chromium unless said otherwise. */
    async page(engine: Engine = 'chromium'): Promise<Page> {
      const engineBrowser = engine === 'firefox' ? await (firefoxBrowser ??= launchFirefox()) : browser;
      const context = await engineBrowser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error.message));
      if (process.env.E2E_CONSOLE) page.on('console', (message) => console.error(`console ${message.type()}:`, message.text()));
      pages.push(page);
      return page;
    },
    async close() {
      await browser.close();
      if (firefoxBrowser) await (await firefoxBrowser).close();
      await server.cleanup();
    },
  };
}

/**
 * Books the first free video slot of the mantelzorgpremie on the demo site, as a citizen would;
 * returns the chosen slot's label ("maandag 1 maart om 09:00").
 */
export async function bookOnDemoSite(page: Page, base: string, citizen = { name: 'Marie Claes', email: 'marie@example.org' }) {
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Mantelzorgpremie' }).click();
  return bookFirstVideoSlot(page, citizen);
}

/**
 * The booking steps once the mantelzorgpremie is chosen (or preset with `service`), inside `scope`:
 * the whole page, or one `<digitale-balie>` of it. Returns the chosen slot's label.
 */
export async function bookFirstVideoSlot(scope: Page | Locator, citizen = { name: 'Marie Claes', email: 'marie@example.org' }) {
  await scope.getByRole('radio', { name: /Videogesprek/ }).check();
  await scope.getByRole('button', { name: 'Verder' }).click();
  const firstSlot = scope.getByRole('radio', { name: / om \d\d:\d\d$/ }).first();
  const slotLabel = (await firstSlot.getAttribute('aria-label'))!;
  await firstSlot.check();
  await scope.getByRole('button', { name: 'Verder' }).click();
  await scope.getByLabel('Voor- en achternaam').fill(citizen.name);
  await scope.getByLabel('E-mailadres', { exact: true }).fill(citizen.email);
  await scope.getByLabel('Voor wie zorgt u?').fill('Mijn ouders');
  await scope.getByRole('button', { name: 'Verder' }).click();
  await scope.getByRole('checkbox', { name: /toestemming/ }).check();
  await scope.getByRole('button', { name: 'Afspraak bevestigen' }).click();
  await scope.getByRole('heading', { name: 'Uw afspraak is bevestigd' }).waitFor();
  return slotLabel;
}

/**
 * Opens the demo mailbox until a mail with this subject (and text, when given) is listed, reloading
 * as a person would: mail is sent in the background, so it shows up a moment after the action.
 */
export async function openMail(page: Page, base: string, subject: string, text?: string) {
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${base}/demo/mailbox`);
    let mail = page.locator('article.mail', { hasText: subject });
    if (text) mail = mail.filter({ hasText: text });
    if (await mail.count()) return mail.first();
    if (attempt === 20) throw new Error(`no mail "${subject}"${text ? ` with "${text}"` : ''} in the mailbox`);
    await page.waitForTimeout(250);
  }
}

/** Signs a demo civil servant in to the console with the demo password, as a person would; ends on the agenda. */
export async function signInToConsole(page: Page, base: string, email: string) {
  await page.goto(`${base}/medewerker`);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('heading', { name: 'Agenda' }).waitFor();
}
