import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ApiError, BalieApi } from '../api/client.ts';
import { defaultMessages, type Lang, type Messages } from '../i18n/index.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * What every view shares: texts, language and server from the root element, a way to tell the root
 * what happened (plain, non-composed events: only the root dispatches public events), and friendly
 * error texts.
 */
export class BalieView extends LitElement {
  static override styles = [tokens];

  @property({ attribute: false }) t: Messages = defaultMessages;
  @property({ attribute: false }) override lang: Lang = 'nl';
  @property({ attribute: false }) server = '';

  protected get api(): BalieApi {
    return new BalieApi(this.server);
  }

  protected emit<T>(type: string, detail?: T) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  protected announce(text: string) {
    this.emit('announce', text);
  }

  /** Tells the root about a failure and returns the text to show the citizen. */
  protected fail(error: unknown): string {
    const e = error instanceof ApiError ? error : new ApiError(0, 'unexpected', String(error));
    this.emit('failed', { code: e.code, status: e.status });
    return this.errorText(e);
  }

  protected errorText(e: ApiError): string {
    const t = this.t.errors;
    if (e.code === 'network') return t.network;
    if (e.status >= 500) return t.server;
    const byCode: Record<string, string> = {
      invalid_link: t.invalidLink,
      appointment_cancelled: t.cancelled,
      link_expired: t.expired,
      not_found: t.notFound,
      slot_taken: t.slotTaken,
      too_many_companions: t.tooManyCompanions,
      validation_failed: t.summary,
    };
    return byCode[e.code] ?? t.generic;
  }

  /** Maps a server field error to a friendly text in the citizen's language. */
  protected fieldText(field: string): string {
    const t = this.t.errors;
    if (/email/.test(field)) return t.email;
    if (/phone/.test(field)) return t.phone;
    if (/consent/.test(field)) return t.consent;
    return t.required;
  }

  /** After a step change: move focus to the new heading, so screen readers announce it. */
  protected async focusHeading() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }
}
