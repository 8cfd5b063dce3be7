import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startJourney } from './support.ts';

const PRIVACY_URL = 'https://www.wilsede.be/privacy';

/** What the notice says in each language, with RETENTION_DAYS=45; the link's text; the consent box's name. */
const expected = {
  Nederlands: { days: '45 dagen na de afspraak', sees: 'medewerkers van de gemeente die deze dienst behandelen', link: 'Lees de volledige privacyverklaring van de gemeente', consent: /gelezen wat er met mijn gegevens gebeurt/ },
  Français: { days: '45 jours après le rendez-vous', sees: 'agents de la commune qui traitent ce service', link: 'Lire la déclaration de confidentialité complète de la commune', consent: /J’ai lu ce que deviennent mes données/ },
  English: { days: '45 days after the appointment', sees: 'staff who handle this service', link: 'Read the municipality’s full privacy statement', consent: /I have read what happens to my details/ },
  Deutsch: { days: '45 Tage nach dem Termin', sees: 'Mitarbeitenden der Gemeinde, die diese Dienstleistung bearbeiten', link: 'Die vollständige Datenschutzerklärung der Gemeinde lesen', consent: /Ich habe gelesen, was mit meinen Angaben geschieht/ },
};

/** From the demo site to the last booking step, where the notice and the consent are. */
async function toReview(page: Page, base: string) {
  await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Mantelzorgpremie' }).click();
    await page.getByRole('radio', { name: /Videogesprek/ }).check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first().check();
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByLabel('Voor- en achternaam').fill('Marie Claes');
    await page.getByLabel('E-mailadres', { exact: true }).fill('marie@example.org');
    await page.getByLabel('Voor wie zorgt u?').fill('Mijn ouders');
    await page.getByRole('button', { name: 'Verder' }).click();
}

describe('the booking form says what happens with the data', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney({ env: { PRIVACY_URL, RETENTION_DAYS: '45', LANGUAGES: 'nl,fr,en,de' } });
  });
  after(() => journey.close());

  it('shows above the consent, in each of the four languages, who sees the data, RETENTION_DAYS and a link to PRIVACY_URL', async () => {
    const page = await journey.page();
    await toReview(page, journey.server.url);

    for (const [language, text] of Object.entries(expected)) {
      await page.getByRole('button', { name: language, exact: true }).click();
      const notice = page.locator('#privacy-notice');
      await notice.filter({ hasText: text.days }).waitFor();
      assert.match((await notice.textContent())!, new RegExp(text.sees), language);
      const link = notice.getByRole('link', { name: new RegExp(`^${text.link}`) });
      assert.equal(await link.getAttribute('href'), PRIVACY_URL, language);
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
      // The consent says it follows from the notice, and points at it for screen readers.
      const consent = page.getByRole('checkbox', { name: text.consent });
      assert.equal(await consent.getAttribute('aria-describedby'), 'privacy-notice', language);
    }
  });

  it('without PRIVACY_URL, the notice still says who sees the data and how long, and shows no link', async () => {
    const other = await startJourney();
    try {
      const page = await other.page();
      await toReview(page, other.server.url);
      const notice = page.locator('#privacy-notice');
      await notice.filter({ hasText: '30 dagen na de afspraak' }).waitFor();
      assert.equal(await notice.getByRole('link').count(), 0);
    } finally {
      await other.close();
    }
  });
});
