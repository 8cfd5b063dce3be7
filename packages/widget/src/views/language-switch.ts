import { css, html, nothing } from 'lit';
import type { Lang } from '../i18n/index.ts';

/** Each language named in itself, so a citizen finds theirs whatever language is showing now. */
const endonyms: Record<Lang, string> = { nl: 'Nederlands', fr: 'Français', en: 'English', de: 'Deutsch' };
/** The group's name in every offered language, for the same reason (not a translated message). */
const languageWord: Record<Lang, string> = { nl: 'Taal', fr: 'Langue', en: 'Language', de: 'Sprache' };

/**
 * The language switch of the root element, rendered in its shadow root so `part="languages"` reaches
 * the host page. Buttons rather than a `<select>`: choosing re-renders every text, and a select changes
 * on a mere arrow key (WCAG 3.2.2). Nothing when only one language is offered.
 */
export function languageSwitch(langs: readonly Lang[], current: Lang, choose: (lang: Lang) => void) {
  if (langs.length < 2) return nothing;
  return html`<div class="languages" part="languages" role="group" aria-label=${langs.map((l) => languageWord[l]).join(' · ')}>
    ${langs.map(
      (lang) =>
        html`<button
          type="button"
          lang=${lang}
          aria-current=${lang === current ? 'true' : 'false'}
          @click=${() => lang !== current && choose(lang)}
        >
          ${endonyms[lang]}
        </button>`,
    )}
  </div>`;
}

export const languageSwitchStyles = css`
  .languages {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0 calc(var(--_space) * 0.75);
    margin: calc(var(--_space) * -0.5) 0 calc(var(--_space) * 0.25);
  }
  .languages button {
    border: none;
    background: none;
    color: var(--_primary);
    text-decoration: underline;
    padding: 0.25em 0;
    font-weight: 400;
  }
  .languages button[aria-current='true'] {
    font-weight: 700;
    text-decoration: none;
    cursor: default;
  }
`;
