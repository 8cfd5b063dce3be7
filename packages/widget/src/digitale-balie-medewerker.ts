import { LitElement, css, html, nothing } from 'lit';

/**
 * The staff console: sign in, today's agenda with live readiness, dossiers, services, opening
 * hours and the impact dashboard. Runs on the Digitale Balie server's own origin (`/medewerker`)
 * with a session cookie. This tag file stays tiny: the console is a chunk of its own, loaded only
 * when the element is on the page, so citizen pages do not pay for it.
 *
 * @summary Staff console for the municipality's civil servants.
 * @cssproperty --balie-color-primary - Buttons, links and the current section.
 * @cssproperty --balie-color-primary-contrast - Text on primary buttons.
 * @cssproperty --balie-color-text - Body text.
 * @cssproperty --balie-color-warning - The waiting-room alert.
 * @cssproperty --balie-font-family - Font of every text.
 * @cssproperty --balie-font-size - Base font size.
 */
export class DigitaleBalieMedewerker extends LitElement {
  // Static properties instead of decorators, as in DigitaleBalie.
  static override properties = {
    lang: { reflect: true },
    loaded: { state: true, attribute: false },
  };

  static override styles = css`
    :host {
      display: block;
    }
  `;

  /** Language of the console: `nl`, `fr`, `en` or `de`. Without it, the page's `lang` when the server offers it (LANGUAGES). */
  override lang = '';

  private loaded = false;

  override connectedCallback() {
    super.connectedCallback();
    void import('./staff/staff-console.ts').then(() => (this.loaded = true));
  }

  override render() {
    return this.loaded ? html`<balie-staff-console .lang=${this.lang}></balie-staff-console>` : nothing;
  }
}
customElements.define('digitale-balie-medewerker', DigitaleBalieMedewerker);

declare global {
  interface HTMLElementTagNameMap {
    'digitale-balie-medewerker': DigitaleBalieMedewerker;
  }
}
