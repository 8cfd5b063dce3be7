import { LitElement, type PropertyDeclarations } from 'lit';
import { ApiError, BalieApi } from '../api/client.ts';
import { defaultMessages, type BookingMessages, type Lang } from '../i18n/index.ts';
import { errorText } from '../i18n/error-texts.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * The widgets the citizen has clicked, tapped or tabbed into. Only those may move focus on a step
 * change: a step reached on page load (a preset service) must not pull focus away from the host page,
 * nor from another widget on it. One capturing listener per document sees through every shadow root.
 */
const engaged = new WeakSet<EventTarget>();
for (const type of ['focusin', 'pointerdown', 'click']) {
  document.addEventListener(type, (e) => {
    const root = e.composedPath().find((node) => node instanceof Element && node.localName === 'digitale-balie');
    if (root) engaged.add(root);
  }, { capture: true });
}

/** The `<digitale-balie>` this view is rendered in, across the shadow boundaries. */
function rootElementOf(view: Element): Element | undefined {
  for (let node: Node | undefined = view; node; node = (node.getRootNode() as ShadowRoot).host) {
    if (node instanceof Element && node.localName === 'digitale-balie') return node;
  }
  return undefined;
}

/**
 * What every view shares: texts, language and server from the root element, a way to tell the root
 * what happened (plain, non-composed events: only the root dispatches public events), and friendly
 * error texts.
 */
export class BalieView extends LitElement {
  // Plain static properties, not Lit's decorators: the booking path ships without the decorator
  // helpers. Field initialisers still go through Lit's accessors because tsconfig sets
  // useDefineForClassFields: false (they are assignments in the constructor). Subclasses list only
  // their own; Lit adds the inherited ones.
  static override properties: PropertyDeclarations = {
    t: { attribute: false },
    lang: { attribute: false },
    server: { attribute: false },
  };

  static override styles = [tokens];

  /**
   * The booking texts by default; the views outside the booking journey narrow this to every text
   * (`override t: Messages = nl`), whose Dutch is a lazy chunk of its own.
   */
  t: BookingMessages = defaultMessages;
  override lang: Lang = 'nl';
  server = '';

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
    return errorText(this.t, e.code, e.status);
  }

  /** Maps a server field error to a friendly text in the citizen's language. */
  /** A friendly text for a refused field; `serverMessage` is the API's (English) reason, if any. */
  protected fieldText(field: string, serverMessage = ''): string {
    const t = this.t.errors;
    // The API says "use at most N characters" for anything too long, whatever the field.
    if (/at most/.test(serverMessage)) return t.tooLong;
    // A name with a link or a line break (issue 10): the schema's wording in server/src/booking/person-name.ts.
    if (/link, web address/.test(serverMessage)) return t.nameLink;
    if (/one line/.test(serverMessage)) return t.nameLine;
    if (/email/.test(field)) return t.email;
    if (/phone/.test(field)) return t.phone;
    if (/consent/.test(field)) return t.consent;
    return t.required;
  }

  /** After a step change the citizen caused: move focus to the new heading, so screen readers announce it. */
  protected async focusHeading() {
    const root = rootElementOf(this);
    if (root && !engaged.has(root)) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }
}
