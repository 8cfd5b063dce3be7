import { expect } from 'chai';
import '../index.ts';
import type { DigitaleBalie } from '../digitale-balie.ts';
import { deepAll, nextEvent, testServerUrl, waitFor } from '../test-support/dom.ts';
import { de as staffDe } from '../staff/i18n/de.ts';
import { en as staffEn } from '../staff/i18n/en.ts';
import { fr as staffFr } from '../staff/i18n/fr.ts';
import { nl as staffNl } from '../staff/i18n/nl.ts';
import { staffCallTexts } from '../views/staff-call-texts.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { errorText, errorTexts } from './error-texts.ts';
import { fr } from './fr.ts';
import { nl } from './nl.ts';

type Tree = { [key: string]: unknown };
const langs = ['nl', 'fr', 'en', 'de'] as const;
type Lang = (typeof langs)[number];

/** Each text set in the four languages; Dutch is the source every other one is checked against. */
const sets: Record<string, Record<Lang, unknown>> = {
  citizen: { nl, fr, en, de },
  staff: { nl: staffNl, fr: staffFr, en: staffEn, de: staffDe },
  'staff call': staffCallTexts,
};

/**
 * Texts that may read the same in English and another language without being untranslated: numbers,
 * units, codes and words the languages share. Kept short on purpose: a new entry needs a reason.
 */
const sharedEverywhere = ['2', '3', '4', '–', '«9001» – «9002»', '«9001» min', '«9001» h', 'Code'];
const sameAsEnglish: Record<Exclude<Lang, 'en'>, string[]> = {
  nl: [...sharedEverywhere, 'Camera', 'camera', 'Chat', 'Video', 'Status', 'Agenda', 'Impact', 'Account', 'Intake', 'Document «9001»', 'Score «9001»'],
  fr: [...sharedEverywhere, 'Participants', 'Documents', 'Document «9001»', 'Question «9001»', 'Service', 'Services', 'Agenda', 'Impact', 'Actions', 'Notes', 'Description', 'Satisfaction'],
  de: [...sharedEverywhere, 'Name', 'Chat', 'Video', 'Status', 'Text', 'Block «9001»'],
};

/** Distinct numbers as arguments: they interpolate like strings and still count like numbers. */
const markers = [9001, 9002, 9003, 9004];
/** Numbers an argument can become in the text (itself, or one less as in "today and the next n - 1 days"). */
const argumentsIn = (text: string) => (text.match(/900\d/g) ?? []).sort();
/** The output with every marker shown as «n», so a text like "`${n} min`" is compared across languages. */
const shape = (text: string) => text.replace(/900\d/g, (m) => `«${m}»`);

interface Leaf {
  path: string;
  /** The string, or the function's output for the markers. */
  text: string;
  /** For a function: its output with 1 as every argument (the singular branch). */
  singular?: string;
  arity?: number;
}

function leaves(tree: unknown, path = ''): Leaf[] {
  if (typeof tree === 'string') return [{ path, text: tree }];
  if (typeof tree === 'function') {
    const fn = tree as (...args: number[]) => string;
    return [{ path, text: fn(...markers.slice(0, fn.length)), singular: fn(...markers.slice(0, fn.length).map(() => 1)), arity: fn.length }];
  }
  if (Array.isArray(tree)) return tree.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  return Object.entries(tree as Tree).flatMap(([key, value]) => leaves(value, path ? `${path}.${key}` : key));
}

describe('translations', () => {
  for (const [name, set] of Object.entries(sets)) {
    describe(`${name} texts`, () => {
      const source = leaves(set.nl);
      const byPath = (lang: Lang) => new Map(leaves(set[lang]).map((leaf) => [leaf.path, leaf]));

      for (const lang of langs) {
        it(`${lang} has every text of nl, no more, none empty`, () => {
          const texts = byPath(lang);
          expect([...texts.keys()].sort()).to.deep.equal(source.map((leaf) => leaf.path).sort());
          const empty = [...texts.values()].filter((leaf) => !leaf.text.trim() || (leaf.singular !== undefined && !leaf.singular.trim()));
          expect(empty.map((leaf) => leaf.path), 'empty texts').to.deep.equal([]);
          const broken = [...texts.values()].filter((leaf) => /undefined|NaN|\[object /.test(`${leaf.text} ${leaf.singular ?? ''}`));
          expect(broken.map((leaf) => `${leaf.path}: ${leaf.text}`), 'texts with a broken placeholder').to.deep.equal([]);
        });

        it(`${lang} takes the same arguments as nl and shows each of them`, () => {
          const texts = byPath(lang);
          const mismatched = source
            .filter((leaf) => leaf.arity !== undefined)
            .filter((leaf) => {
              const other = texts.get(leaf.path);
              return !other || other.arity !== leaf.arity || argumentsIn(other.text).join() !== argumentsIn(leaf.text).join();
            })
            .map((leaf) => `${leaf.path}: nl "${leaf.text}" vs ${lang} "${texts.get(leaf.path)?.text}"`);
          expect(mismatched).to.deep.equal([]);
        });
      }

      for (const lang of ['nl', 'fr', 'de'] as const) {
        it(`${lang} is translated: no text reads as the English one, beyond a short list of shared words`, () => {
          const english = byPath('en');
          const same = leaves(set[lang])
            .filter((leaf) => leaf.path !== 'locale' && shape(leaf.text) === shape(english.get(leaf.path)?.text ?? ''))
            .map((leaf) => shape(leaf.text))
            .filter((text) => !sameAsEnglish[lang].includes(text));
          expect([...new Set(same)]).to.deep.equal([]);
        });
      }
    });
  }

  it('each language names its own locale for dates and numbers', () => {
    for (const set of Object.values(sets).slice(0, 2)) {
      expect(langs.map((lang) => (set[lang] as { locale: string }).locale.split('-')[0])).to.deep.equal([...langs]);
    }
  });

  it('every refusal code a citizen can meet reads as its own text, not the generic one, in every language', () => {
    for (const t of [nl, fr, en, de]) {
      for (const code of Object.keys(errorTexts)) {
        const text = errorText(t, code, 409);
        expect(text, `${t.locale} ${code}`).to.be.a('string').and.not.equal(t.errors.generic);
      }
      expect(errorText(t, 'network', 0)).to.equal(t.errors.network);
      expect(errorText(t, 'anything', 503)).to.equal(t.errors.server);
      expect(errorText(t, 'something_new', 400)).to.equal(t.errors.generic);
    }
  });

  it('French puts a no-break space before ? and :, so a line never starts with one', () => {
    expect(fr.booking.chooseChannel).to.equal('Comment souhaitez-vous nous parler\u00a0?');
    expect(fr.booking.counter('Balie Wilsede')).to.equal('Au guichet\u00a0: Balie Wilsede');
    expect(staffFr.dashboard.answersCount(2)).to.equal('2 réponses');
  });
});

describe('the booking view in French and German', () => {
  let server: string;
  const headings = (el: Element) => deepAll(el, 'h2').map((h) => h.textContent?.trim() ?? '');

  async function mount(lang: string): Promise<DigitaleBalie> {
    server ??= await testServerUrl();
    const el = document.createElement('digitale-balie');
    el.setAttribute('server', server);
    el.setAttribute('service', 'mantelzorgpremie');
    el.setAttribute('lang', lang);
    const ready = nextEvent(el, 'balie-ready');
    document.body.append(el);
    await ready;
    return el;
  }

  afterEach(() => document.querySelectorAll('digitale-balie').forEach((el) => el.remove()));

  const cases = [
    { lang: 'fr', heading: 'Comment souhaitez-vous nous parler', service: 'Prime pour aidant proche', video: 'Appel vidéo depuis chez vous', next: 'Continuer', time: 'Choisissez un jour et une heure', day: /lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche/ },
    { lang: 'de', heading: 'Wie möchten Sie mit uns sprechen?', service: 'Pflegeprämie', video: 'Videogespräch von zu Hause aus', next: 'Weiter', time: 'Wählen Sie einen Tag und eine Uhrzeit', day: /Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag/ },
  ];

  for (const c of cases) {
    it(`lang="${c.lang}" shows the steps, the service and the free times in ${c.lang === 'fr' ? 'French' : 'German'}`, async () => {
      const el = await mount(c.lang);
      expect(el.activeLang).to.equal(c.lang);
      await waitFor(() => headings(el).some((h) => h.includes(c.heading)), `the ${c.lang} channel heading`);
      expect(deepAll(el, 'legend').map((l) => l.textContent?.trim())).to.include(c.service);
      const video = await waitFor(() => deepAll<HTMLLabelElement>(el, 'label.choice').find((l) => l.textContent?.includes(c.video)), 'the video choice');
      video.querySelector('input')!.click();
      await waitFor(() => deepAll<HTMLButtonElement>(el, 'button').find((b) => b.textContent?.trim() === c.next && !b.disabled), c.next).then((b) => b.click());
      await waitFor(() => headings(el).some((h) => h.includes(c.time)), `the ${c.lang} time heading`);
      // Dates come from Intl in the chosen language (and in Europe/Brussels).
      const slot = await waitFor(() => deepAll(el, '[aria-label]').find((b) => c.day.test(b.getAttribute('aria-label') ?? '')), `a slot named in ${c.lang}`);
      expect(slot.getAttribute('aria-label')).to.match(c.lang === 'fr' ? / à \d\d:\d\d$/ : / um \d\d:\d\d$/);
    });
  }
});
