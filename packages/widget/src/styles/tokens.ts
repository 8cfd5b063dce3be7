import { css } from 'lit';

/**
 * Shared look. Every value is a `--balie-*` custom property with a default, so a municipality
 * themes the widget from its own stylesheet; nothing leaks in or out of the shadow root.
 */
export const tokens = css`
  :host {
    all: initial;
    display: block;
    box-sizing: border-box;
    color: var(--balie-color-text, #1d1d1b);
    font-family: var(--balie-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--balie-font-size, 16px);
    line-height: 1.5;
    --_primary: var(--balie-color-primary, #05537a);
    --_primary-contrast: var(--balie-color-primary-contrast, #ffffff);
    --_border: var(--balie-color-border, #6b6b6b);
    --_muted: var(--balie-color-muted, #545454);
    --_error: var(--balie-color-error, #b00020);
    --_success: var(--balie-color-success, #0b6b2e);
    --_surface: var(--balie-color-surface, #f3f5f7);
    --_radius: var(--balie-radius, 6px);
    /* px, not rem: host pages set html { font-size: 62.5% } and the like; the widget keeps its own scale. */
    --_space: var(--balie-space, 16px);
    --_focus: var(--balie-color-focus, #ffbf47);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 calc(var(--_space) * 0.75);
  }
  h2 {
    font-size: 1.375em;
  }
  h3 {
    font-size: 1.125em;
  }
  h2:focus,
  h3:focus {
    outline: none;
  }
  p {
    margin: 0 0 var(--_space);
  }
  button,
  .button {
    font: inherit;
    cursor: pointer;
    min-height: 44px;
    padding: 0.5em 1.1em;
    border-radius: var(--_radius);
    border: 2px solid var(--_primary);
    background: var(--_primary);
    color: var(--_primary-contrast);
    font-weight: 600;
  }
  button.secondary {
    background: transparent;
    color: var(--_primary);
  }
  button.link {
    border: none;
    background: none;
    color: var(--_primary);
    text-decoration: underline;
    padding: 0.25em 0;
    min-height: 44px;
  }
  button[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
    box-shadow: 0 0 0 5px #000;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25em;
  }
  input[type='text'],
  input[type='email'],
  input[type='tel'],
  textarea,
  select {
    font: inherit;
    width: 100%;
    min-height: 44px;
    padding: 0.5em 0.75em;
    border: 2px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--balie-color-input-background, #fff);
    color: inherit;
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 3px;
  }
  .field {
    margin-bottom: var(--_space);
  }
  .hint {
    color: var(--_muted);
    font-size: 0.9375em;
    margin: 0 0 0.25em;
  }
  .error {
    color: var(--_error);
    font-weight: 600;
    margin: 0.25em 0 0;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.75);
    margin-top: var(--_space);
  }
  .notice {
    border-left: 4px solid var(--_primary);
    background: var(--_surface);
    padding: calc(var(--_space) * 0.75);
    margin-bottom: var(--_space);
  }
  .notice.error-box {
    border-color: var(--_error);
  }
  .notice.success {
    border-color: var(--_success);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  fieldset {
    border: none;
    margin: 0 0 var(--_space);
    padding: 0;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.5em;
  }
  .choice {
    display: flex;
    gap: 0.75em;
    align-items: flex-start;
    border: 2px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75em;
    margin-bottom: 0.5em;
    font-weight: normal;
    cursor: pointer;
  }
  .choice:has(input:checked) {
    border-color: var(--_primary);
    background: var(--_surface);
  }
  input[type='radio'],
  input[type='checkbox'] {
    accent-color: var(--_primary);
  }
  .choice input {
    width: 1.25em;
    height: 1.25em;
    margin: 0.15em 0 0;
    flex: none;
  }
  dl.summary {
    display: grid;
    grid-template-columns: minmax(7em, max-content) 1fr;
    gap: 0.25em 1em;
    margin: 0 0 var(--_space);
  }
  dl.summary dt {
    font-weight: 600;
  }
  dl.summary dd {
    margin: 0;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
  /* Windows contrast themes: the browser drops box-shadows and our colours; state what must stay
     visible in system colours (https://www.w3.org/TR/css-color-adjust-1/#forced). */
  @media (forced-colors: active) {
    :focus-visible {
      outline: 3px solid Highlight;
    }
    button,
    .button {
      border-color: ButtonText;
    }
    button[aria-pressed='true'] {
      border-style: double;
      border-width: 4px;
    }
    button[disabled] {
      opacity: 1;
      color: GrayText;
      border-color: GrayText;
    }
    .choice:has(input:checked) {
      border-color: Highlight;
    }
    .notice {
      border: 1px solid CanvasText;
      border-left-width: 4px;
    }
    meter,
    progress {
      forced-color-adjust: none;
      accent-color: Highlight;
      border: 1px solid CanvasText;
    }
  }
`;
