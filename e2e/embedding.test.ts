import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test-support/chromium.mjs';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { municipalSite } from './municipal-site.ts';
import { bookFirstVideoSlot } from './support.ts';

/**
 * What a webmaster embeds into, at its worst: a strict CSP (on our server's own demo page and on a
 * municipal site of another origin), blocked third-party cookies, a hostile global stylesheet with two
 * widgets on one page. Every request the citizen's browser makes is recorded.
 */

/** Records requests, responses that set a cookie, and CSP violations (as events and as console errors). */
async function watch(page: Page) {
  const requests: string[] = [];
  const setCookies: string[] = [];
  const consoleViolations: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', async (response) => {
    const cookie = await response.headerValue('set-cookie').catch(() => null);
    if (cookie) setCookies.push(`${response.url()}: ${cookie}`);
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) consoleViolations.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    requests,
    setCookies,
    async violations() {
      return [...consoleViolations, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
    },
  };
}

async function assertNoCookies(page: Page, context: BrowserContext) {
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(await context.cookies(), []);
}

describe('embedding', () => {
  let server: TestServer;
  let browser: Browser;
  let municipal: { origin: string; close(): Promise<void> };

  before(async () => {
    // A municipal site on another origin that embeds the widget with the snippet and the README's CSP.
    const site = await municipalSite();
    server = await startTestServer({ env: { ALLOWED_ORIGINS: site.origin } });
    municipal = { origin: site.origin, ...(await site.serve(server.url)) };
    // Third-party cookies blocked, as Chrome does by default for more and more people.
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, '--test-third-party-cookie-phaseout'] });
  });
  after(async () => {
    await browser?.close();
    await municipal?.close();
    await server?.cleanup();
  });

  const newPage = async () => {
    const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels' });
    return { context, page: await context.newPage() };
  };

  describe('strict CSP', () => {
    it('when the server sends its demo page with a strict CSP, then a booking works with no violation and no request elsewhere', async () => {
      const { context, page } = await newPage();
      const seen = await watch(page);
      const response = await page.goto(`${server.url}/strict-csp.html`);
      const csp = response!.headers()['content-security-policy']!;
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "media-src 'self' blob:"]) {
        assert.ok(csp.split(/;\s*/).includes(directive), `${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-|\*/);

      await bookFirstVideoSlot(page);
      assert.deepEqual(await seen.violations(), []);
      const elsewhere = seen.requests.filter((url) => new URL(url).origin !== server.url);
      assert.deepEqual(elsewhere, []);
      assert.ok(seen.requests.some((url) => url.includes('/api/appointments')), 'the booking went through the server');
      assert.deepEqual(seen.setCookies, []);
      await assertNoCookies(page, context);
      await context.close();
    });

    it('when a municipal site of another origin sends the README CSP, then a booking works with no violation, no cookie and only the two origins', async () => {
      const { context, page } = await newPage();
      const seen = await watch(page);
      await page.goto(`${municipal.origin}/`);
      await bookFirstVideoSlot(page);
      assert.deepEqual(await seen.violations(), []);
      const origins = new Set(seen.requests.map((url) => new URL(url).origin));
      assert.deepEqual([...origins].sort(), [municipal.origin, server.url].sort());
      assert.deepEqual(seen.setCookies, []);
      await assertNoCookies(page, context);
      await context.close();
    });

    it('when the municipal CSP leaves the server out of connect-src, then the violation is reported (the recorder sees what it guards against)', async () => {
      const site = await municipalSite();
      const served = await site.serve(server.url, `default-src 'self'; script-src 'self' ${server.url}; style-src 'self'; connect-src 'self'`);
      const { context, page } = await newPage();
      const seen = await watch(page);
      await page.goto(`${site.origin}/`);
      for (let i = 0; !(await seen.violations()).some((v) => v.includes('connect-src') && v.includes(server.url)); i++) {
        assert.ok(i < 40, `a connect-src violation for the server; seen: ${JSON.stringify(await seen.violations())}`);
        await page.waitForTimeout(250);
      }
      await context.close();
      await served.close();
    });
  });

  describe('hostile host page', () => {
    const heading = (page: Page, id: string) => page.locator(`#${id}`).getByRole('heading', { level: 2 });

    it('when the page resets all CSS with !important and a 10px root, then both widgets render usable controls and do not interfere', async () => {
      const { context, page } = await newPage();
      const seen = await watch(page);
      await page.goto(`${server.url}/hostile.html`);
      const zorg = page.locator('#balie-zorg');
      const reis = page.locator('#balie-reis');
      await heading(page, 'balie-zorg').filter({ hasText: 'Hoe wilt u ons spreken?' }).waitFor();
      await reis.getByText('Reistoelating voor minderjarigen').waitFor();

      const next = zorg.getByRole('button', { name: 'Verder' });
      const look = await next.evaluate((button) => {
        const style = getComputedStyle(button);
        return { minHeight: parseFloat(style.minHeight), height: button.getBoundingClientRect().height, fontSize: parseFloat(style.fontSize), color: style.color, text: button.textContent!.trim() };
      });
      assert.ok(look.minHeight >= 44 && look.height >= 44, JSON.stringify(look));
      assert.ok(look.fontSize >= 14, JSON.stringify(look));
      assert.notEqual(look.color, 'rgb(255, 0, 0)', 'the page forces red text on buttons; ours keeps its colour');
      assert.equal(look.text, 'Verder');
      assert.ok(await next.isVisible());
      // Nothing in the widget took focus on load: a preset service opens on step 1 without pulling focus.
      assert.equal(await page.evaluate(() => document.activeElement?.localName), 'body');

      await bookFirstVideoSlot(zorg);
      // The other widget is where it was: its own service, first step, nothing chosen.
      await heading(page, 'balie-reis').filter({ hasText: 'Hoe wilt u ons spreken?' }).waitFor();
      await reis.getByText('Reistoelating voor minderjarigen').waitFor();
      assert.equal(await reis.getByRole('radio', { checked: true }).count(), 0);
      assert.deepEqual(await seen.violations(), []);
      await context.close();
    });

    it('when an element is removed and a new one (or the same one) is added, then it renders again and emits balie-ready', async () => {
      const { context, page } = await newPage();
      await page.goto(`${server.url}/hostile.html`);
      await heading(page, 'balie-reis').filter({ hasText: 'Hoe wilt u ons spreken?' }).waitFor();

      // No named helpers inside evaluate: tsx would wrap them in a __name() the page does not have.
      const views = await page.evaluate(async () => {
        const old = document.querySelector('#balie-reis')!;
        const section = old.parentElement!;
        old.remove();
        const fresh = document.createElement('digitale-balie');
        fresh.id = 'balie-nieuw';
        fresh.setAttribute('service', 'reistoelating');
        const [freshReady, again] = [fresh, old].map(
          (el) => new Promise<string>((resolve) => el.addEventListener('balie-ready', (e) => resolve((e as Event & { detail: { view: string } }).detail.view), { once: true })),
        );
        section.append(fresh);
        section.append(old);
        return [await freshReady, await again];
      });
      assert.deepEqual(views, ['booking', 'booking']);
      for (const id of ['balie-nieuw', 'balie-reis']) {
        await heading(page, id).filter({ hasText: 'Hoe wilt u ons spreken?' }).waitFor();
        assert.equal(await page.locator(`#${id}`).getByRole('radio').count(), 2, `${id}: video and one counter`);
      }
      await context.close();
    });
  });
});
