import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signatureHeader } from '../packages/server/src/webhooks/signature.ts';
import { book } from '../test-support/booking.ts';
import { firstSlot, freePort, startTestServer } from '../test-support/server.ts';
import { municipalCsp } from './municipal-site.ts';
import { startJourney } from './support.ts';

/**
 * The docs in the demo site (packages/demo-site/public/docs/): they run under the server's strict CSP,
 * list what custom-elements.json and the README say (no copy), their theming preview drives a live
 * widget, and their webhook example verifies real webhooks of the server.
 */
const root = join(import.meta.dirname, '..');
const exampleFile = join(root, 'packages/demo-site/public/docs/examples/verify-webhook.mjs');
const manifest = JSON.parse(readFileSync(join(root, 'packages/widget/custom-elements.json'), 'utf8')) as {
  modules: { declarations?: { tagName?: string; events?: { name: string }[]; attributes?: { name: string }[] }[] }[];
};
const balie = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'digitale-balie')!;

/** Opens a docs page, waits for its module, and returns the CSP violations it caused (events and console). */
async function openDocs(page: Page, url: string, withModule = true) {
  const consoleViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) consoleViolations.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url);
  assert.equal(response!.status(), 200, url);
  assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'/);
  if (withModule) await page.locator('html[data-docs-ready="true"]').waitFor({ state: 'attached' });
  return async () => [...consoleViolations, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

describe('docs site', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('when the docs index is opened, then it loads under the strict CSP and links both guides', async () => {
    const page = await journey.page();
    const violations = await openDocs(page, `${journey.server.url}/docs/`, false);
    await page.getByRole('link', { name: 'For webmasters' }).first().click();
    await page.getByRole('heading', { name: 'For webmasters', level: 1 }).waitFor();
    assert.deepEqual(await violations(), []);
  });

  it('when the developers page is opened, then it lists every public event of custom-elements.json with its class, and the configuration and webhook tables', async () => {
    const page = await journey.page();
    const violations = await openDocs(page, `${journey.server.url}/docs/developers.html`);
    const listed = await page.locator('tbody[data-manifest="events"] tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.name));
    assert.deepEqual(listed.sort(), balie.events!.map((e) => e.name).sort());
    assert.ok(listed.length >= 15, `${listed.length} events`);
    await page.getByRole('row', { name: /balie-booking-confirmed BalieBookingConfirmedEvent/ }).waitFor();

    // Every variable the server reads is in the configuration table (which the build takes from the README).
    const configSource = readFileSync(join(root, 'packages/server/src/config.ts'), 'utf8');
    const schema = configSource.slice(configSource.indexOf('const envSchema'), configSource.indexOf('\n});', configSource.indexOf('const envSchema')));
    const variables = [...schema.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]!);
    assert.ok(variables.length > 15, 'the env schema was found');
    const table = await page.locator('table[data-readme="configuration"]').innerText();
    assert.deepEqual(variables.filter((name) => !table.includes(name)), [], 'variables missing from the configuration table');
    await page.locator('table[data-readme="webhooks"]').getByRole('cell', { name: 'appointment.booked', exact: true }).waitFor();

    // The example shown is the very file the webhook test below runs.
    const shown = await page.locator('code[data-example]').textContent();
    assert.equal(shown, readFileSync(exampleFile, 'utf8'));
    assert.deepEqual(await violations(), []);
  });

  it('when the webmasters page is opened, then it lists every attribute, and the theming preview recolours the live widget', async () => {
    const page = await journey.page();
    const violations = await openDocs(page, `${journey.server.url}/docs/webmasters.html`);
    // The policy the docs and the README give is the one the journey tests run under.
    const policy = `Content-Security-Policy: ${municipalCsp('https://balie.example.be')}`;
    assert.equal(await page.locator('#csp-policy').textContent(), policy);
    assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(`\n${policy}\n`), 'README.md gives the same policy');
    const attributes = await page.locator('tbody[data-manifest="attributes"] tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.name));
    assert.deepEqual(attributes.sort(), balie.attributes!.map((a) => a.name).sort());

    const preview = page.locator('#theme-preview');
    const next = preview.getByRole('button', { name: 'Verder' });
    await next.waitFor();
    const background = () => next.evaluate((button) => getComputedStyle(button).backgroundColor);
    assert.equal(await background(), 'rgb(5, 83, 122)', 'the default primary colour');
    await page.getByLabel('Primary colour').fill('#8a1538');
    assert.equal(await background(), 'rgb(138, 21, 56)');
    assert.match((await page.locator('#theme-css').textContent())!, /--balie-color-primary: #8a1538;/);
    await page.getByLabel('Corner radius (px)').fill('0');
    assert.equal(await next.evaluate((button) => getComputedStyle(button).borderTopLeftRadius), '0px');
    await page.getByRole('button', { name: 'Back to the defaults' }).click();
    for (let i = 0; (await background()) !== 'rgb(5, 83, 122)'; i++) assert.ok(i < 20, 'the reset brings the default colour back');
    assert.deepEqual(await violations(), []);
  });
});

describe('the webhook example in the docs', () => {
  const SECRET = 'whsec-docs-example-0123456789';
  type Example = {
    verifyBalieWebhook(secret: string, header: string | undefined, rawBody: string, toleranceSeconds?: number): boolean;
    balieWebhookHandler(secret: string, onEvent: (event: { id: string; type: string; data: Record<string, unknown> }) => void): (req: IncomingMessage, res: ServerResponse) => void;
  };
  let example: Example;
  let receiver: ReturnType<typeof createServer>;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const events: { id: string; type: string; data: Record<string, unknown> }[] = [];
  const deliveries: { headers: IncomingMessage['headers']; body: string; status: number }[] = [];

  before(async () => {
    example = (await import(pathToFileURL(exampleFile).href)) as Example;
    // The docs' receiver, as an integrator would run it, recording what it was sent and what it answered.
    const handle = example.balieWebhookHandler(SECRET, (event) => events.push(event));
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.on('finish', () => deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: res.statusCode }));
      });
      handle(req, res);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    server = await startTestServer({ env: { WEBHOOK_URL: `http://127.0.0.1:${port}/balie`, WEBHOOK_SECRET: SECRET } });
  });
  after(async () => {
    await server?.cleanup();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("when the server signs a real booking webhook, then the docs' receiver accepts it and refuses it changed, replayed late or under another secret", async () => {
    const { id } = await book(server, await firstSlot(server.url));
    for (let i = 0; !events.some((e) => e.type === 'appointment.booked'); i++) {
      assert.ok(i < 200, `no appointment.booked accepted; deliveries: ${JSON.stringify(deliveries.map((d) => d.status))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const event = events.find((e) => e.type === 'appointment.booked')!;
    assert.equal(event.data.appointmentId, id);
    const delivery = deliveries.find((d) => JSON.parse(d.body).id === event.id)!;
    assert.equal(delivery.status, 204);
    assert.equal(delivery.headers['x-balie-event-id'], event.id);

    const header = String(delivery.headers['x-balie-signature']);
    assert.equal(example.verifyBalieWebhook(SECRET, header, delivery.body), true);
    assert.equal(example.verifyBalieWebhook(SECRET, header, delivery.body.replace('booked', 'cancelled')), false, 'a changed body');
    assert.equal(example.verifyBalieWebhook('another-secret-0123456789', header, delivery.body), false, 'another secret');
    assert.equal(example.verifyBalieWebhook(SECRET, undefined, delivery.body), false, 'no header');
    const t = Number(/t=(\d+)/.exec(header)![1]);
    assert.ok(Math.abs(Date.now() / 1000 - t) < 60, 'signed just now');
    // Our server's own signer: a signature made now passes, one made ten minutes ago is a replay.
    assert.equal(example.verifyBalieWebhook(SECRET, signatureHeader(SECRET, t, delivery.body), delivery.body), true);
    assert.equal(example.verifyBalieWebhook(SECRET, signatureHeader(SECRET, t - 600, delivery.body), delivery.body), false, 'a replay');
    // Over HTTP too: the same delivery with a changed body is refused with 401 by the docs' handler.
    const address = receiver.address() as { port: number };
    const forged = await fetch(`http://127.0.0.1:${address.port}/balie`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-balie-signature': header },
      body: delivery.body.replace(id, 'someone-else'),
    });
    assert.equal(forged.status, 401);
  });

  it('the README shows the same verification function as the docs', () => {
    const source = readFileSync(exampleFile, 'utf8');
    const fn = source.slice(source.indexOf('export function verifyBalieWebhook'), source.indexOf('\n}\n', source.indexOf('export function verifyBalieWebhook')) + 2);
    assert.ok(fn.length > 100);
    assert.ok(readFileSync(join(root, 'README.md'), 'utf8').includes(fn), 'README.md carries verifyBalieWebhook exactly as docs/examples/verify-webhook.mjs');
  });
});
