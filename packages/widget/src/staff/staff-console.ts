import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { SignInStep } from '@digitale-balie/contract';
import { BalieApi } from '../api/client.ts';
import { resolveLang, supportedLangs, type Lang } from '../i18n/index.ts';
import { tokens } from '../styles/tokens.ts';
import { languageSwitch, languageSwitchStyles } from '../views/language-switch.ts';
import { chime, primeSound, setSoundMuted, soundMuted } from './alert-sound.ts';
import { StaffApi } from './api.ts';
import { formatWhen } from './format.ts';
import { defaultStaffMessages, loadStaffMessages, type StaffMessages } from './i18n/index.ts';
import { LiveAgendaController } from './live-agenda.ts';
import { staffStyles } from './styles.ts';
import type { AgendaChanged, AgendaItem, SessionInfo, StaffMember } from './types.ts';
import type { Route, StaffView } from './views/staff-view.ts';

type Scope = 'me' | 'all';
const SCOPE_KEY = 'digitale-balie-medewerker:scope';
const LANG_KEY = 'digitale-balie-medewerker:lang';
const storedLang = (): Lang | undefined => {
  const stored = globalThis.localStorage?.getItem(LANG_KEY);
  return stored && (supportedLangs as readonly string[]).includes(stored) ? (stored as Lang) : undefined;
};

/**
 * The token of a set-password link (`/medewerker#wachtwoord=<token>`, printed by `npm run admin`),
 * taken out of the address bar at once: the fragment never reached a server, and now it stays out
 * of the history and of anything the page shares later.
 */
function takeSetPasswordToken(): string | undefined {
  if (!location.hash.startsWith('#wachtwoord=')) return undefined;
  // A mangled link (a mail program cut it) still opens the page, which then says the link is not valid.
  const token = location.hash.slice('#wachtwoord='.length, 200) || '-';
  history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

/** Each view is a chunk of its own: a medewerker never downloads the admin forms. */
const views: Record<Route['view'] | 'sign-in' | 'set-password' | 'sign-in-step', () => Promise<unknown>> = {
  'sign-in': () => import('./views/sign-in-view.ts'),
  'sign-in-step': () => import('./views/sign-in-step-view.ts'),
  'set-password': () => import('./views/set-password-view.ts'),
  agenda: () => import('./views/agenda-view.ts'),
  dossier: () => import('./views/dossier-view.ts'),
  // With libphonenumber-js's metadata: loaded only when someone books for a citizen.
  book: () => import('./views/citizen-booking-view.ts'),
  services: () => import('./views/services-view.ts'),
  hours: () => import('./views/hours-view.ts'),
  dashboard: () => import('./views/dashboard-view.ts'),
  'access-log': () => import('./views/access-log-view.ts'),
  privacy: () => import('./views/privacy-view.ts'),
  account: () => import('./views/account-view.ts'),
  // The call (simple-peer and its shims) loads only when a civil servant starts one.
  call: () => import('../views/staff-call-view.ts'),
};

/**
 * The staff console behind `<digitale-balie-medewerker>`: session, navigation, the live agenda
 * stream and the waiting-room alert. Views get the API and texts from here and tell it where to go.
 */
@customElement('balie-staff-console')
export class BalieStaffConsole extends LitElement {
  static override styles = [
    tokens,
    staffStyles,
    languageSwitchStyles,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1.25em;
        padding-bottom: 0.75em;
        border-bottom: 1px solid var(--_line);
        margin-bottom: 0.75em;
      }
      .bar .who {
        margin: 0;
        flex: 1 1 auto;
      }
      .bar .checkbox {
        margin: 0;
      }
      .live {
        font-size: 0.875em;
        color: var(--_muted);
      }
      .live::before {
        content: '●';
        margin-right: 0.35em;
        color: var(--_ok);
      }
      .live.offline::before {
        color: var(--_error);
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25em;
        list-style: none;
        margin: 0 0 var(--_space);
        padding: 0;
        border-bottom: 2px solid var(--_line);
      }
      nav button {
        background: transparent;
        color: var(--_primary);
        border: none;
        border-bottom: 4px solid transparent;
        border-radius: 0;
        margin-bottom: -2px;
      }
      nav button[aria-current='page'] {
        border-bottom-color: var(--_primary);
        color: var(--balie-color-text, #1d1d1b);
      }
      .waiting-alert {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1em;
        border: 2px solid var(--_warn);
        border-left-width: 8px;
        background: #fff4d6;
        padding: 0.75em;
        margin-bottom: var(--_space);
        font-weight: 600;
      }
      .waiting-alert p {
        margin: 0;
        flex: 1 1 16em;
      }
    `,
  ];

  /** Language asked for by the page (`nl`, `fr`, `en`, `de`); empty: the page's own language. */
  @property() override lang = '';

  @state() private t: StaffMessages = defaultStaffMessages;
  @state() private session?: SessionInfo | null;
  @state() private route?: Route | { view: 'sign-in' } | { view: 'set-password'; token: string } | { view: 'sign-in-step'; step: SignInStep; staff: StaffMember };
  @state() private notice = '';
  @state() private change?: AgendaChanged;
  @state() private waiting: AgendaItem[] = [];
  @state() private muted = soundMuted();
  @state() private scope: Scope = globalThis.localStorage?.getItem(SCOPE_KEY) === 'all' ? 'all' : 'me';
  @state() private announcement = '';
  /** What the last arrival's chime did; on the alert as `data-sound`, so it can be checked. */
  @state() private sound: 'played' | 'muted' | 'unavailable' = 'muted';
  /** The languages the municipality offers (LANGUAGES); empty until known. */
  @state() private offeredLangs: Lang[] = [];
  /** What this civil servant picked in the language switch, remembered on this device. */
  @state() private chosenLang = storedLang();

  private readonly api = new StaffApi();
  private readonly seenWaiting = new Set<string>();
  private readonly dismissed = new Set<string>();
  private readonly live = new LiveAgendaController(this, {
    url: () => this.api.eventsUrl,
    onChange: (change) => this.changed(change),
    // Events may have been missed while the stream was down: catch up as if something changed.
    onOpen: () => this.changed({ appointmentId: '', staffId: '', change: 'reconnected' }),
    onClosed: () => void this.checkSession(),
  });

  override connectedCallback() {
    super.connectedCallback();
    this.api.onSignedOut = () => this.signedOut(this.t.shell.sessionExpired);
    void this.start();
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('lang') && this.hasUpdated) void this.loadTexts();
  }

  /** The civil servant's pick wins, then the element's `lang`, then the page's language if offered. */
  get activeLang(): Lang {
    const offered = (lang: Lang) => !this.offeredLangs.length || this.offeredLangs.includes(lang);
    if (this.chosenLang && offered(this.chosenLang)) return this.chosenLang;
    if (this.lang) return resolveLang(this.lang);
    const page = resolveLang(document.documentElement.lang);
    return offered(page) ? page : this.offeredLangs[0]!;
  }

  private async loadTexts() {
    this.t = await loadStaffMessages(this.activeLang);
  }

  private chooseLang(lang: Lang) {
    this.chosenLang = lang;
    globalThis.localStorage?.setItem(LANG_KEY, lang);
    void this.loadTexts();
  }

  private async start() {
    const linkToken = takeSetPasswordToken();
    const config = await new BalieApi(location.origin).getConfig().catch(() => undefined);
    this.offeredLangs = supportedLangs.filter((lang) => config?.languages.includes(lang));
    await this.loadTexts();
    if (linkToken) return this.go({ view: 'set-password', token: linkToken }, false);
    try {
      this.signedIn(await this.api.session(), false);
    } catch {
      await this.go({ view: 'sign-in' }, false);
    }
  }

  private signedIn(session: SessionInfo, focus = true) {
    // A right password may leave a step (the app's code, one's own password, enrolment): nothing opens before it.
    if (session.pending) {
      this.session = null;
      void this.go({ view: 'sign-in-step', step: session.pending, staff: session.staff }, focus);
      return;
    }
    this.session = session;
    this.notice = '';
    this.live.setEnabled(true);
    void this.go({ view: 'agenda' }, focus);
  }

  private signedOut(notice: string) {
    if (this.session === null && this.route?.view === 'sign-in') return;
    this.session = null;
    this.notice = notice;
    this.live.setEnabled(false);
    this.waiting = [];
    this.seenWaiting.clear();
    void this.go({ view: 'sign-in' });
  }

  private async checkSession() {
    try {
      await this.api.session();
      this.live.retrySoon();
    } catch {
      this.signedOut(this.t.shell.sessionExpired);
    }
  }

  private async signOut() {
    const next = await this.api.logout().catch(() => undefined);
    // An OIDC session: the identity provider ends its own session too, then sends the browser back here.
    if (next) return location.assign(next);
    this.signedOut(this.t.shell.signedOut);
  }

  /** Loads the view's chunk, shows it and moves focus to its heading. */
  private async go(route: NonNullable<BalieStaffConsole['route']>, focus = true) {
    await views[route.view]();
    this.route = route;
    if (!focus) return;
    await this.updateComplete;
    await this.renderRoot.querySelector<StaffView>('[data-view]')?.focusHeading();
  }

  private changed(change: AgendaChanged) {
    this.change = change;
    void this.watchWaiting();
  }

  /** Today's appointments in the chosen scope: alert once for each citizen who starts waiting. */
  private async watchWaiting() {
    if (!this.session) return;
    const agenda = await this.api.agenda({ days: 1, staff: this.scope === 'all' ? 'all' : this.session.staff.id }).catch(() => undefined);
    if (!agenda) return;
    const waiting = agenda.appointments.filter((a) => a.readiness.waiting);
    const arrived = waiting.filter((a) => !this.seenWaiting.has(a.id));
    this.seenWaiting.clear();
    waiting.forEach((a) => this.seenWaiting.add(a.id));
    this.waiting = waiting.filter((a) => !this.dismissed.has(a.id));
    if (arrived.length) this.sound = this.muted ? 'muted' : chime() ? 'played' : 'unavailable';
  }

  private announce(text: string) {
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  private setScope(scope: Scope) {
    this.scope = scope;
    globalThis.localStorage?.setItem(SCOPE_KEY, scope);
    void this.watchWaiting();
  }

  override render() {
    const t = this.t.shell;
    const session = this.session;
    return html`<div lang=${this.activeLang}>
      ${languageSwitch(this.offeredLangs, this.activeLang, (lang) => this.chooseLang(lang))}
      ${session
        ? html`<div class="bar">
              <p class="who">${t.signedInAs(session.staff.name, t.roles[session.staff.role])}</p>
              <span class="live ${this.live.status === 'open' ? '' : 'offline'}" role="status">
                ${this.live.status === 'open' ? t.live : t.liveOffline}
              </span>
              <label class="checkbox">
                <input type="checkbox" .checked=${!this.muted} @change=${(e: Event) => this.toggleSound((e.target as HTMLInputElement).checked)} />
                ${t.sound}
              </label>
              <button class="secondary small" @click=${() => this.signOut()}>${t.signOut}</button>
            </div>
            ${this.renderNav()} ${this.waiting.map((item) => this.renderWaiting(item))}`
        : nothing}
      ${this.renderView()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    </div>`;
  }

  private toggleSound(on: boolean) {
    this.muted = !on;
    setSoundMuted(this.muted);
    if (on) primeSound();
  }

  private renderNav() {
    const t = this.t.shell.views;
    const items: Route['view'][] = ['agenda', 'book', ...(this.session?.staff.role === 'beheerder' ? (['services', 'hours'] as const) : []), 'dashboard', ...(this.session?.staff.role === 'beheerder' ? (['access-log', 'privacy'] as const) : []), 'account'];
    const current = this.route?.view === 'dossier' ? 'agenda' : this.route?.view;
    return html`<nav aria-label=${this.t.shell.nav}>
      <ul>
        ${items.map(
          (view) => html`<li>
            <button aria-current=${current === view ? 'page' : 'false'} @click=${() => this.go({ view } as Route)}>${t[view as keyof typeof t]}</button>
          </li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderWaiting(item: AgendaItem) {
    const time = formatWhen(item.start, this.t.locale, 'time');
    return html`<div class="waiting-alert" role="alert" data-waiting=${item.id} data-sound=${this.sound}>
      <p>${this.t.shell.waiting(item.citizen.firstName, item.service.name, time)}</p>
      <button class="small" @click=${() => this.go({ view: 'dossier', id: item.id })}>${this.t.shell.openDossier}</button>
      <button
        class="secondary small"
        @click=${() => {
          this.dismissed.add(item.id);
          this.waiting = this.waiting.filter((w) => w.id !== item.id);
        }}
      >
        ${this.t.shell.dismiss}
      </button>
    </div>`;
  }

  private renderView() {
    const route = this.route;
    if (!route) return html`<p>${this.t.common.loading}</p>`;
    if (route.view === 'set-password') {
      return html`<balie-staff-set-password
        data-view
        .t=${this.t}
        .api=${this.api}
        .token=${route.token}
        @password-set=${() => {
          this.session = null;
          this.notice = this.t.setPassword.done;
          void this.go({ view: 'sign-in' });
        }}
      ></balie-staff-set-password>`;
    }
    if (route.view === 'sign-in-step') {
      return keyed(
        route.step,
        html`<balie-staff-sign-in-step data-view .t=${this.t} .api=${this.api} .me=${route.staff} .step=${route.step}
          @signed-in=${(e: CustomEvent<SessionInfo>) => this.signedIn(e.detail)} @cancel=${() => this.signOut()}></balie-staff-sign-in-step>`,
      );
    }
    if (route.view === 'sign-in') {
      return html`<balie-staff-sign-in
        data-view
        .t=${this.t}
        .api=${this.api}
        .notice=${this.notice}
        @signed-in=${(e: CustomEvent<SessionInfo>) => {
          primeSound();
          this.signedIn(e.detail);
        }}
      ></balie-staff-sign-in>`;
    }
    // Between signing out and the sign-in view's chunk loading, the old route has no session to show.
    if (!this.session) return html`<p>${this.t.common.loading}</p>`;
    const common = {
      t: this.t,
      api: this.api,
      me: this.session.staff,
      navigate: (e: CustomEvent<Route>) => this.go(e.detail),
      announce: (e: CustomEvent<string>) => this.announce(e.detail),
    };
    switch (route.view) {
      case 'agenda':
        return html`<balie-staff-agenda data-view .t=${common.t} .api=${common.api} .me=${common.me} .scope=${this.scope} .change=${this.change}
          @navigate=${common.navigate} @announce=${common.announce} @scope-change=${(e: CustomEvent<Scope>) => this.setScope(e.detail)}></balie-staff-agenda>`;
      case 'dossier':
        return html`<balie-staff-dossier data-view .t=${common.t} .api=${common.api} .me=${common.me} .appointmentId=${route.id} .change=${this.change}
          @navigate=${common.navigate} @announce=${common.announce}
          @start-call=${(e: CustomEvent<{ appointmentId: string; citizen?: string }>) =>
            this.go({ view: 'call', id: e.detail.appointmentId, citizen: e.detail.citizen ?? '' })}></balie-staff-dossier>`;
      case 'call':
        return html`<balie-staff-call data-view .lang=${this.activeLang} .server=${location.origin} .appointmentId=${route.id}
          .citizenName=${route.citizen} .csrfToken=${this.session!.csrfToken} .csrfHeader=${this.session!.csrfHeader}
          @announce=${common.announce} @close=${() => this.go({ view: 'dossier', id: route.id })}></balie-staff-call>`;
      case 'book':
        return html`<balie-staff-citizen-booking data-view .t=${common.t} .api=${common.api} .me=${common.me}
          @navigate=${common.navigate} @announce=${common.announce}></balie-staff-citizen-booking>`;
      case 'services':
        return html`<balie-staff-services data-view .t=${common.t} .api=${common.api} .me=${common.me} @navigate=${common.navigate} @announce=${common.announce}></balie-staff-services>`;
      case 'hours':
        return html`<balie-staff-hours data-view .t=${common.t} .api=${common.api} .me=${common.me} @navigate=${common.navigate} @announce=${common.announce}></balie-staff-hours>`;
      case 'dashboard':
        return html`<balie-staff-dashboard data-view .t=${common.t} .api=${common.api} .me=${common.me} @announce=${common.announce}></balie-staff-dashboard>`;
      case 'access-log':
        return html`<balie-staff-access-log data-view .t=${common.t} .api=${common.api} .me=${common.me} @announce=${common.announce}></balie-staff-access-log>`;
      case 'privacy':
        return html`<balie-staff-privacy data-view .t=${common.t} .api=${common.api} .me=${common.me} @announce=${common.announce}></balie-staff-privacy>`;
      case 'account':
        return html`<balie-staff-account data-view .t=${common.t} .api=${common.api} .me=${common.me} @announce=${common.announce}></balie-staff-account>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-console': BalieStaffConsole;
  }
}
