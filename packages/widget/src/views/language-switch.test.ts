import { expect } from 'chai';
import { render } from 'lit';
import '../index.ts';
import type { DigitaleBalie } from '../digitale-balie.ts';
import { deep, deepAll, nextEvent, testServerUrl, waitFor } from '../test-support/dom.ts';
import { languageSwitch } from './language-switch.ts';

let server: string;
const switchButtons = (el: Element) => deepAll<HTMLButtonElement>(el, '[part="languages"] button');

async function mount(attributes: Record<string, string>, parent: HTMLElement = document.body): Promise<DigitaleBalie> {
  server ??= await testServerUrl();
  const el = document.createElement('digitale-balie');
  el.setAttribute('server', server);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const ready = nextEvent(el, 'balie-ready');
  parent.append(el);
  await ready;
  return el;
}

/** Answers GET /api/config with `languages` for the duration of one test. */
function offering(languages: string[]) {
  const realFetch = window.fetch;
  window.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.endsWith('/api/config') ? Promise.resolve(Response.json({ languages })) : realFetch(input, init);
  };
  return () => void (window.fetch = realFetch);
}

afterEach(() => {
  document.querySelectorAll('digitale-balie, digitale-balie-medewerker, [data-test-host]').forEach((el) => el.remove());
});

describe('language switch', () => {
  describe('properties', () => {
    it('renders nothing for one language, and one button per language, each named in itself, for two', () => {
      const host = document.createElement('div');
      render(languageSwitch(['nl'], 'nl', () => {}), host);
      expect(host.querySelector('button')).to.equal(null);
      render(languageSwitch(['nl', 'fr'], 'fr', () => {}), host);
      const buttons = [...host.querySelectorAll('button')];
      expect(buttons.map((b) => [b.lang, b.textContent?.trim(), b.getAttribute('aria-current')])).to.deep.equal([
        ['nl', 'Nederlands', 'false'],
        ['fr', 'Français', 'true'],
      ]);
      expect(host.querySelector('[role="group"]')?.getAttribute('aria-label')).to.equal('Taal · Langue');
    });

    it('follows the page language only when the server offers it', async () => {
      const restore = offering(['nl', 'fr']);
      try {
        const page = Object.assign(document.createElement('div'), { lang: 'en' });
        page.dataset.testHost = '';
        document.body.append(page);
        const el = await mount({ service: 'mantelzorgpremie' }, page);
        expect(el.activeLang).to.equal('nl');
        expect(switchButtons(el).map((b) => b.lang)).to.deep.equal(['nl', 'fr']);
        // The English page holds Dutch texts: the panel says so, or a screen reader reads Dutch in English.
        expect(deep(el, '[part="panel"]')?.lang).to.equal('nl');
      } finally {
        restore();
      }
    });
  });

  describe('events', () => {
    it('appears when the server offers several languages and re-renders every text on a choice', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      const buttons = await waitFor(() => switchButtons(el).length === 4 && switchButtons(el), 'the language switch');
      expect(buttons.map((b) => b.lang)).to.deep.equal(['nl', 'fr', 'en', 'de']);
      expect(buttons.find((b) => b.getAttribute('aria-current') === 'true')?.lang).to.equal('nl');
      await waitFor(() => deepAll(el, 'h2').find((h) => h.textContent?.includes('Hoe wilt u ons spreken?')), 'Dutch heading');

      buttons.find((b) => b.lang === 'en')!.click();
      await waitFor(() => deepAll(el, 'h2').find((h) => h.textContent?.includes('How would you like to talk to us?')), 'English heading');
      expect(el.getAttribute('lang')).to.equal('en');
      expect(deep(el, '[part="languages"] button[aria-current="true"]')?.lang).to.equal('en');
    });
  });

  describe('staff console', () => {
    const LANG_KEY = 'digitale-balie-medewerker:lang';
    const texts = (el: Element) => deepAll(el, 'h1, h2, button').map((e) => e.textContent?.trim());
    const mountConsole = () => {
      const el = document.createElement('digitale-balie-medewerker');
      el.dataset.testHost = '';
      document.body.append(el);
      return el;
    };
    afterEach(() => localStorage.removeItem(LANG_KEY));

    it('offers the municipality\'s languages, speaks the one picked and remembers it on this device', async () => {
      localStorage.removeItem(LANG_KEY);
      const el = mountConsole();
      const buttons = await waitFor(() => switchButtons(el).length === 4 && switchButtons(el), 'the console language switch');
      expect(buttons.map((b) => b.lang)).to.deep.equal(['nl', 'fr', 'en', 'de']);
      // Signed in or not (the runner's pages share cookies), a Dutch word shows first, then a French one.
      await waitFor(() => texts(el).some((t) => t === 'Aanmelden' || t === 'Afmelden'), 'Dutch console texts');

      buttons.find((b) => b.lang === 'fr')!.click();
      await waitFor(() => texts(el).some((t) => t === 'Se connecter' || t === 'Se déconnecter'), 'French console texts');
      expect(deep(el, 'div[lang]')?.lang).to.equal('fr');
      expect(localStorage.getItem(LANG_KEY)).to.equal('fr');

      el.remove();
      const again = mountConsole();
      await waitFor(() => texts(again).some((t) => t === 'Se connecter' || t === 'Se déconnecter'), 'French after a reload');
      expect(deep(again, '[part="languages"] button[aria-current="true"]')?.lang).to.equal('fr');
    });

    it('follows the element\'s lang attribute when nobody picked one', async () => {
      localStorage.removeItem(LANG_KEY);
      const el = mountConsole();
      el.setAttribute('lang', 'de');
      await waitFor(() => texts(el).some((t) => t === 'Anmelden' || t === 'Abmelden'), 'German console texts');
      expect(deep(el, 'div[lang]')?.lang).to.equal('de');
    });
  });
});
