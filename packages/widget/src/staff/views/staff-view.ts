import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { tokens } from '../../styles/tokens.ts';
import { ApiError, type StaffApi } from '../api.ts';
import { defaultStaffMessages, type StaffMessages } from '../i18n/index.ts';
import { staffStyles } from '../styles.ts';
import type { StaffMember } from '../types.ts';

/** Where a view asks the console to go. */
export type Route =
  | { view: 'agenda' | 'book' | 'services' | 'hours' | 'dashboard' | 'access-log' | 'privacy' | 'account' }
  | { view: 'dossier'; id: string }
  | { view: 'call'; id: string; citizen: string };

/**
 * What every staff view shares: texts, the API and the signed-in member from the console; plain,
 * non-composed events to the console (`navigate`, `announce`); friendly error texts.
 */
export class StaffView extends LitElement {
  static override styles = [tokens, staffStyles];

  @property({ attribute: false }) t: StaffMessages = defaultStaffMessages;
  @property({ attribute: false }) api!: StaffApi;
  @property({ attribute: false }) me!: StaffMember;

  protected get isBeheerder() {
    return this.me?.role === 'beheerder';
  }

  protected emit<T>(type: string, detail?: T) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  protected navigate(route: Route) {
    this.emit('navigate', route);
  }

  /** Says `text` through the console's live region. */
  protected announce(text: string) {
    this.emit('announce', text);
  }

  /** The text to show for a failed call. A 401 needs none: the console returns to sign-in. */
  protected errorText(error: unknown): string {
    const t = this.t.errors;
    const e = error instanceof ApiError ? error : new ApiError(0, 'unexpected', String(error));
    if (e.code === 'network') return t.network;
    if (e.code === 'server_busy') return t.busy;
    if (e.code === 'too_many_attempts') return t.tooManyAttempts(Math.max(1, Math.ceil((Number(e.details.retryAfterSeconds) || 60) / 60)));
    if (e.status >= 500) return t.server;
    const byCode: Record<string, string> = {
      forbidden: t.forbidden,
      not_found: t.notFound,
      csrf_failed: t.csrf,
      cross_origin: t.csrf,
      validation_failed: t.summary,
    };
    return byCode[e.code] ?? t.generic;
  }

  /** Server field messages (English, from zod) as friendly texts, keyed by field path. */
  protected fieldTexts(error: unknown): Record<string, string> {
    if (!(error instanceof ApiError)) return {};
    return Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [field, this.fieldText(message)]));
  }

  private fieldText(message: string): string {
    const t = this.t.errors;
    const rules: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
      [/at least (\d+) characters/, (m) => t.tooShort(Number(m[1]))],
      [/at most|too big|too long/i, t.tooLong],
      [/e-mail/, t.email],
      [/multiple of/, t.multipleOf5],
      [/end after it starts|must not be before/, t.endAfterStart],
      [/overlap/, t.overlap],
      [/counter block/, t.counterLocation],
      [/must be unique/, t.uniqueIds],
      [/only letters, digits/, t.idFormat],
      [/at least one channel/, t.oneChannel],
      [/common passwords/, t.commonPassword],
      [/fill this in|required|expected string/i, t.required],
    ];
    for (const [pattern, text] of rules) {
      const match = pattern.exec(message);
      if (match) return typeof text === 'string' ? text : text(match);
    }
    return t.invalid;
  }

  /** A labelled input's error line; pair it with `aria-describedby` and `aria-invalid`. */
  protected fieldError(id: string, text: string | undefined) {
    return text ? html`<p class="error" id=${`${id}-error`}>${text}</p>` : nothing;
  }

  /** A labelled input with its hint and error line; its id is `<prefix>-<name>`. */
  protected inputField(
    prefix: string,
    name: string,
    label: string,
    type: string,
    errors: Record<string, string>,
    opts: { hint?: string; autocomplete?: string } = {},
  ) {
    const id = `${prefix}-${name}`;
    const described = [opts.hint ? `${id}-hint` : '', errors[name] ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${opts.hint ? html`<p class="hint" id=${`${id}-hint`}>${opts.hint}</p>` : nothing}
      <input id=${id} name=${name} type=${type} autocomplete=${opts.autocomplete ?? 'off'} aria-invalid=${errors[name] ? 'true' : 'false'}
        aria-describedby=${described || nothing} />
      ${this.fieldError(id, errors[name])}
    </div>`;
  }

  /** After a view change: focus the heading, so screen readers announce where the user is. */
  async focusHeading() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-view-heading]')?.focus();
  }

  protected heading(text: string) {
    return html`<h2 tabindex="-1" data-view-heading>${text}</h2>`;
  }
}
