import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { ROLE_BEHEERDER, ROLE_MEDEWERKER, startTestProvider, type TestProvider } from '../test-support/oidc-provider.ts';
import { freePort, testClock } from '../test-support/server.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { startJourney } from './support.ts';

type Journey = Awaited<ReturnType<typeof startJourney>>;
type Page = Awaited<ReturnType<Journey['page']>>;

async function signInWithPassword(page: Page, base: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${base}/medewerker`);
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
}

describe('staff sign-in through an OpenID provider, in Chromium', () => {
  let provider: TestProvider;
  let journey: Journey;
  before(async () => {
    const port = await freePort();
    provider = await startTestProvider({ serverUrl: `http://127.0.0.1:${port}` });
    journey = await startJourney({ port, env: provider.env });
  });
  after(async () => {
    await journey?.close();
    await provider?.stop();
  });

  it('a beheerder signs in with the button, sees the beheerder views, and signing out reaches the provider', async () => {
    provider.user = { sub: 'kc-e2e-1', email: 'lotte.peeters@wilsede.invalid', name: 'Lotte Peeters', roles: [ROLE_BEHEERDER] };
    const page = await journey.page();
    await page.goto(`${journey.server.url}/medewerker`);
    await page.getByRole('link', { name: 'Aanmelden met Testprovider' }).click();
    await page.getByRole('heading', { name: 'Agenda' }).waitFor();
    await page.getByText('Aangemeld als Lotte Peeters (beheerder)').waitFor();
    await page.getByRole('button', { name: 'Toegangslog' }).waitFor();

    const before = provider.requests.length;
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/session/end`));
    assert.ok(provider.requests.slice(before).includes('/session/end'), 'the provider got the end-session request');
    assert.match(page.url(), /id_token_hint=/);
    const me = await page.request.get(`${journey.server.url}/api/staff/session`);
    assert.equal(me.status(), 401, 'our session ended');
  });

  it('a medewerker signs in without the beheerder views', async () => {
    provider.user = { sub: 'kc-e2e-2', email: 'tom.wouters@wilsede.invalid', name: 'Tom Wouters', roles: [ROLE_MEDEWERKER] };
    const page = await journey.page();
    await page.goto(`${journey.server.url}/medewerker`);
    await page.getByRole('link', { name: 'Aanmelden met Testprovider' }).click();
    await page.getByText('Aangemeld als Tom Wouters (medewerker)').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Toegangslog' }).count(), 0);
  });

  it('a person without a role gets a clear page in four languages and no session', async () => {
    provider.user = { sub: 'kc-e2e-3', email: 'zonder.rol@wilsede.invalid', name: 'Zonder Rol', roles: [] };
    const page = await journey.page();
    await page.goto(`${journey.server.url}/medewerker`);
    await page.getByRole('link', { name: 'Aanmelden met Testprovider' }).click();
    await page.getByRole('heading', { name: 'Aanmelden lukt niet' }).first().waitFor();
    for (const text of ['u hebt geen rol in de Digitale Balie', "vous n'avez pas de rôle", 'you have no role', 'haben aber keine Rolle']) await page.getByText(text).waitFor();
    await page.getByRole('link', { name: 'Terug naar aanmelden' }).click();
    await page.getByRole('link', { name: 'Aanmelden met Testprovider' }).waitFor();
  });
});

describe('two-step verification and the account lifecycle, in Chromium', () => {
  let journey: Journey;
  before(async () => {
    journey = await startJourney({ clock: testClock() });
  });
  after(() => journey?.close());

  const codeFor = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: journey.server.clock.now().getTime() });

  it('a medewerker enrols with the QR code, then signs in with a code; a wrong code is refused', async () => {
    const page = await journey.page();
    await signInWithPassword(page, journey.server.url, staffEmail.bart);
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Tweestapsverificatie instellen' }).click();
    const qr = page.locator('[data-totp-qr]');
    await qr.waitFor();
    assert.ok((await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)) === true, 'the QR code renders under the CSP');
    const secret = (await page.locator('[data-totp-secret]').textContent())!.trim();
    await page.getByLabel('Code uit de app').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Inschakelen' }).click();
    await page.locator('[data-recovery-codes] li').nth(9).waitFor();
    await page.getByText('Ingeschakeld. Nog 10 herstelcodes over.').waitFor();

    journey.server.clock.advance(30_000);
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await signInWithPassword(page, journey.server.url, staffEmail.bart);
    await page.getByRole('heading', { name: 'Tweestapsverificatie' }).waitFor();
    await page.getByLabel('Code uit de app').fill('000000');
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await page.getByText('Deze code klopt niet of werd al gebruikt.').waitFor();
    await page.getByLabel('Code uit de app').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await page.getByRole('heading', { name: 'Agenda' }).waitFor();
  });

  it('a beheerder deactivates a colleague (whose open console is signed out), reactivates, changes a role and makes a reset link', async () => {
    const chloe = await journey.page();
    await signInWithPassword(chloe, journey.server.url, staffEmail.chloe);
    await chloe.getByRole('heading', { name: 'Agenda' }).waitFor();

    const an = await journey.page();
    await signInWithPassword(an, journey.server.url, staffEmail.an);
    await an.getByRole('button', { name: 'Account' }).click();
    await an.locator('[data-toggle-active="chloe"]').click();
    await an.locator('[data-team-status]').filter({ hasText: 'is gedeactiveerd en overal afgemeld' }).waitFor();

    // Chloe's open console: its next request gets 401 and it asks to sign in again.
    await chloe.getByRole('button', { name: 'Account' }).click();
    await chloe.getByText('Uw sessie is verlopen. Meld u opnieuw aan.').waitFor();

    await an.locator('[data-toggle-active="chloe"]').click();
    await an.locator('[data-team-status]').filter({ hasText: 'opnieuw actief' }).waitFor();
    // An is the only beheerder: she cannot step down, and stays beheerder.
    await an.locator('[data-role="an"]').selectOption('medewerker');
    await an.locator('[data-team-status]').filter({ hasText: 'Dit is de laatste actieve beheerder.' }).waitFor();
    assert.equal(await an.locator('[data-role="an"]').inputValue(), 'beheerder');
    await an.locator('[data-role="chloe"]').selectOption('beheerder');
    await an.locator('[data-team-status]').filter({ hasText: 'is nu beheerder' }).waitFor();
  });

  it('a new colleague with a temporary password chooses their own before anything else; a reset link is shown to pass on', async () => {
    const an = await journey.page();
    await signInWithPassword(an, journey.server.url, staffEmail.an);
    await an.getByRole('button', { name: 'Account' }).click();
    await an.getByLabel('Naam', { exact: true }).fill('Sofie Janssens');
    await an.getByLabel('E-mailadres', { exact: true }).last().fill('sofie.janssens@wilsede.invalid');
    await an.getByLabel('Eerste wachtwoord').fill('tijdelijk-sofie-2027');
    await an.getByRole('button', { name: 'Account aanmaken' }).last().click();
    await an.getByText('Account voor Sofie Janssens aangemaakt.').first().waitFor();
    await an.locator('[data-reset-link="sofie-janssens"]').click();
    const link = await an.locator('#reset-link').inputValue();
    assert.match(link, /\/medewerker#wachtwoord=[\w-]{43}$/);

    const sofie = await journey.page();
    await signInWithPassword(sofie, journey.server.url, 'sofie.janssens@wilsede.invalid', 'tijdelijk-sofie-2027');
    await sofie.getByRole('heading', { name: 'Kies uw eigen wachtwoord' }).waitFor();
    await sofie.getByLabel('Huidig wachtwoord').fill('tijdelijk-sofie-2027');
    await sofie.getByLabel('Nieuw wachtwoord', { exact: true }).fill('sofie-haar-eigen-zin');
    await sofie.getByLabel('Nieuw wachtwoord herhalen').fill('sofie-haar-eigen-zin');
    await sofie.getByRole('button', { name: 'Wachtwoord instellen' }).click();
    await sofie.getByRole('heading', { name: 'Agenda' }).waitFor();
    await sofie.getByText('Aangemeld als Sofie Janssens (medewerker)').waitFor();
  });
});
