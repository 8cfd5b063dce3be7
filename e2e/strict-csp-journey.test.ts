import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { checkDevicesAndWait, startCallAsStaff } from '../test-support/call-journey.ts';
import { sentMails } from '../test-support/outbox.ts';
import { testClock } from '../test-support/server.ts';
import { municipalCsp, municipalSite } from './municipal-site.ts';
import { bookFirstVideoSlot, startJourney } from './support.ts';

// Book on Sunday 28 February 2027 (the first free video slot is on Monday); join just before it.
const SUNDAY = '2027-02-28T12:00:00Z';

/**
 * Everything a page does on the network and against its CSP: every request of the context (the page,
 * the widget's chunks, fetches, uploads), every WebSocket, and every CSP violation (as a
 * `securitypolicyviolation` event in the page and as a console report).
 */
async function record(context: BrowserContext, page: Page) {
  const urls: string[] = [];
  const consoleViolations: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  page.on('websocket', (socket) => urls.push(socket.url()));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) consoleViolations.push(message.text());
  });
  // Registered before any page script; survives navigations (the link, the reload of the call).
  await context.addInitScript(() => {
    const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  return {
    urls,
    async violations() {
      return [...consoleViolations, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
    },
  };
}

/** Requests to any host but `hosts` (ws: counts as the host's); data: and blob: stay in the page. */
const elsewhere = (urls: string[], hosts: string[]) =>
  urls.filter((url) => {
    const { protocol, host } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return false;
    return !['http:', 'ws:'].includes(protocol) || !hosts.includes(host);
  });

type Journey = Awaited<ReturnType<typeof startJourney>>;

/**
 * The journey on the page `open` returns (after checking its CSP): book, open the personal link from
 * the mail, device check, waiting room, admitted by the civil servant on the staff console, a picture
 * arrives, chat, upload. Then: no CSP violation on either page, and no request to any host but `hosts`.
 */
async function wholeJourney(journey: Journey, open: (page: Page) => Promise<void>, hosts: string[]) {
  const { server } = journey;
  const citizen = await journey.page();
  const seen = await record(citizen.context(), citizen);
  await open(citizen);
  const pageUrl = citizen.url();
  await bookFirstVideoSlot(citizen);

  // The personal link in the mail leads back to the page the citizen booked on.
  const mail = (await sentMails(server)).find((m) => m.to === 'marie@example.org')!;
  const link = /https?:\/\/\S*[?&]balie=[^\s&]+/.exec(mail.text)![0];
  assert.equal(`${new URL(link).origin}${new URL(link).pathname}`, pageUrl);
  const { start_at: start } = await server.app.db.q.selectFrom('appointments').select('start_at').executeTakeFirstOrThrow();
  server.clock.set(new Date(new Date(start).getTime() - 10 * 60_000));

  await citizen.goto(link);
  await checkDevicesAndWait(citizen);

  const staffPage = await journey.page();
  const staffSeen = await record(staffPage.context(), staffPage);
  await startCallAsStaff(staffPage, server.url);
  await staffPage.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
  await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
  // A real picture of the civil servant arrives at the citizen.
  const remote = citizen.locator('video[data-peer]:not([data-peer="self"])');
  await remote.first().waitFor();
  for (let i = 0; !(await remote.first().evaluate((v) => (v as HTMLVideoElement).videoWidth > 0)); i++) {
    assert.ok(i < 120, 'remote video frames within 30 s');
    await citizen.waitForTimeout(250);
  }

  await citizen.getByLabel('Bericht').fill('Ik stuur het attest nu door.');
  await citizen.getByRole('button', { name: 'Versturen' }).click();
  await staffPage.locator('balie-chat-panel').getByText('Ik stuur het attest nu door.').waitFor();

  const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await citizen.locator('balie-documents-panel #file-input').setInputFiles({ name: 'attest.pdf', mimeType: 'application/pdf', buffer: pdf });
  await citizen.getByRole('status').filter({ hasText: 'is verstuurd' }).waitFor({ state: 'attached' });
  const stored = await server.app.db.q.selectFrom('documents').select(['filename', 'sha256']).execute();
  assert.deepEqual(stored, [{ filename: 'attest.pdf', sha256: createHash('sha256').update(pdf).digest('hex') }]);

  assert.deepEqual(await seen.violations(), [], 'CSP violations at the citizen');
  assert.deepEqual(await staffSeen.violations(), [], 'CSP violations on the staff console');
  assert.deepEqual(elsewhere(seen.urls, hosts), [], 'requests of the citizen to another host');
  assert.deepEqual(elsewhere(staffSeen.urls, [new URL(server.url).host]), [], 'requests of the staff console to another host');
  // The journey really went over the network it claims: the widget's chunks, the API, tus, signalling.
  for (const path of ['/widget/chunks/', '/api/appointments', '/files', '/signal']) {
    const toServer = (url: string) => new URL(url).host === new URL(server.url).host && new URL(url).pathname.startsWith(path);
    assert.ok(seen.urls.some(toServer), `a request to the server's ${path}`);
  }
}

const cspDirectives = (csp: string) => csp.split(/;\s*/);

describe('the whole citizen journey under a strict CSP', () => {
  describe("on the server's own strict-CSP page", () => {
    let journey: Journey;
    before(async () => {
      journey = await startJourney({ clock: testClock(SUNDAY) });
    });
    after(() => journey.close());

    it('books, opens the mailed link, passes the device check, is admitted, chats and uploads: no violation, no request elsewhere', async () => {
      const { server } = journey;
      await wholeJourney(
        journey,
        async (page) => {
          const csp = (await page.goto(`${server.url}/strict-csp.html`))!.headers()['content-security-policy']!;
          assert.doesNotMatch(csp, /unsafe-|\*|https?:/, 'no unsafe-inline, no unsafe-eval, no wildcard, no other host');
          for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"]) {
            assert.ok(cspDirectives(csp).includes(directive), `${directive} in ${csp}`);
          }
        },
        [new URL(server.url).host],
      );
    });
  });

  describe("on a municipal site of another origin that sends the README's CSP", () => {
    let journey: Journey;
    let site: Awaited<ReturnType<typeof municipalSite>>;
    let municipal: { close(): Promise<void> };
    before(async () => {
      site = await municipalSite();
      journey = await startJourney({ clock: testClock(SUNDAY), env: { ALLOWED_ORIGINS: site.origin } });
      municipal = await site.serve(journey.server.url);
    });
    after(async () => {
      await journey.close();
      await municipal.close();
    });

    it('runs the same journey with only the municipal page and the Digitale Balie server contacted', async () => {
      const { server } = journey;
      await wholeJourney(
        journey,
        async (page) => {
          const csp = (await page.goto(`${site.origin}/`))!.headers()['content-security-policy']!;
          assert.equal(csp, municipalCsp(server.url));
        },
        [new URL(site.origin).host, new URL(server.url).host],
      );
    });
  });
});
