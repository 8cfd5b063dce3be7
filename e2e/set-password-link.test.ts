import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCommands } from '../packages/server/src/admin/commands.ts';
import { startJourney } from './support.ts';

const EMAIL = 'els.maes@wilsede.be';
const PASSWORD = 'Els-kiest-haar-eigen-zin';

describe('the first beheerder of a new server, from the link the admin command prints', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let link: string;
  before(async () => {
    // A server without the demo municipality: no account exists, none can sign in.
    journey = await startJourney({ env: { SEED_DEMO_DATA: 'false' } });
    const created = await adminCommands(journey.server.app.db, journey.server.app.config).createBeheerder({ name: 'Els Maes', email: EMAIL });
    link = created.link!.url;
  });
  after(() => journey.close());

  it('sets the password by pressing the button, signs in with it, and the link then works no more', async () => {
    const page = await journey.page();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Wachtwoord kiezen' }).waitFor();
    assert.doesNotMatch(page.url(), /wachtwoord=/, 'the token left the address bar');

    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Nieuw wachtwoord herhalen').fill('iets anders');
    await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
    await page.getByText('De twee nieuwe wachtwoorden zijn niet gelijk.').waitFor();

    await page.getByLabel('Nieuw wachtwoord herhalen').fill(PASSWORD);
    await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
    await page.getByRole('heading', { name: 'Aanmelden' }).waitFor();
    await page.getByText('Uw wachtwoord is opgeslagen. Meld u nu aan.').waitFor();

    await page.getByLabel('E-mailadres').fill(EMAIL);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('heading', { name: 'Agenda' }).waitFor();
    await page.getByText('Els Maes').first().waitFor();

    const again = await journey.page();
    await again.goto(link);
    // The form shows first: the server says the link is used up once the password is sent.
    await again.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Iemand-anders-probeert-het');
    await again.getByLabel('Nieuw wachtwoord herhalen').fill('Iemand-anders-probeert-het');
    await again.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
    await again.getByRole('alert').filter({ hasText: 'Deze link is al gebruikt of verlopen.' }).waitFor();
    await again.goBack();
    assert.doesNotMatch(again.url(), /wachtwoord=/, 'no history entry holds the token');
  });
});
