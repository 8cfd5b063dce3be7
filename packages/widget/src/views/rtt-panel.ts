import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { MeetingParticipant } from '../api/types.ts';
import { RttAnnouncer } from '../call/rtt-announcer.ts';
import type { RttChangeDetail, RttChannels } from '../call/rtt-channel.ts';
import { BalieView } from './balie-view.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/**
 * Real-time text in the call (EN 301 549 6.2): what we type goes out letter by letter; each other
 * participant's text shows as it is typed, in a region of its own labelled with their name. Our own
 * box and the others' text look different (6.2.1.2 asks to tell them apart). Separate from the
 * chat: nothing waits for Enter, and nothing is kept after the call.
 *
 * A polite live region says who started typing and reads each finished line (see RttAnnouncer);
 * the regions themselves are not live, so a screen reader is not told every keystroke.
 */
@customElement('balie-rtt-panel')
export class BalieRttPanel extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [
    ...BalieView.styles,
    css`
      :host {
        display: block;
      }
      .streams {
        display: grid;
        gap: 0.5em;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 16em), 1fr));
      }
      .stream {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.5em;
        margin: 0;
      }
      /* Ours reads as an input on the page's surface; theirs on a tinted ground with a coloured edge. */
      .stream.theirs {
        background: var(--_surface);
        border-left: 0.4em solid var(--_primary);
      }
      .stream h4,
      .stream label {
        display: block;
        margin: 0 0 0.25em;
        font-weight: 600;
      }
      .text {
        min-height: 4.5em;
        max-height: 12em;
        overflow-y: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 1.125em;
      }
      textarea {
        box-sizing: border-box;
        width: 100%;
        min-height: 4.5em;
        font-size: 1.125em;
      }
    `,
  ];

  /** The call's real-time text channels. */
  @property({ attribute: false }) rtt!: RttChannels;
  /** Admitted participants as the server lists them: the names the regions are labelled with. */
  @property({ attribute: false }) participants: MeetingParticipant[] = [];
  /** Our own peer id: our text is the box, not a region. */
  @property({ attribute: false }) selfId = '';

  @state() private texts = new Map<string, string>();
  @state() private announcement = '';

  private announcer = new RttAnnouncer((text) => this.speak(text), {
    started: (name) => this.t.rtt.started(name),
    said: (name, text) => this.t.rtt.said(name, text),
  });

  private readonly onChange = (e: Event) => {
    const { peerId, text } = (e as CustomEvent<RttChangeDetail>).detail;
    this.texts = new Map(this.texts).set(peerId, text);
    this.announcer.update(peerId, this.nameOf(peerId), text);
  };

  override connectedCallback() {
    super.connectedCallback();
    this.texts = new Map(this.rtt.texts);
    this.rtt.addEventListener('change', this.onChange);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.rtt.removeEventListener('change', this.onChange);
    this.announcer.close();
  }

  override updated() {
    // Follow the newest text, as a caption would.
    for (const box of this.renderRoot.querySelectorAll<HTMLElement>('.theirs .text')) box.scrollTop = box.scrollHeight;
  }

  /** Puts the focus in our own box (the panel was opened with its button). */
  async focusInput() {
    await this.updateComplete;
    this.renderRoot.querySelector('textarea')?.focus();
  }

  private nameOf(peerId: string) {
    return this.participants.find((p) => p.peerId === peerId)?.name || this.t.rtt.someone;
  }

  private speak(text: string) {
    // Cleared first, so the same words said twice are announced twice.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  override render() {
    const t = this.t.rtt;
    // Everyone in the call has a region, typing or not; someone who left keeps theirs while it has text.
    const others = this.participants.filter((p) => p.peerId !== this.selfId).map((p) => p.peerId);
    for (const peerId of this.texts.keys()) if (!others.includes(peerId) && this.texts.get(peerId)) others.push(peerId);
    return html`<section aria-labelledby="rtt-h">
      <h3 id="rtt-h">${t.title}</h3>
      <p class="hint" id="rtt-hint">${t.intro}</p>
      <div class="streams">
        <div class="stream mine">
          <label for="rtt-own">${t.yourText}</label>
          <textarea id="rtt-own" rows="3" maxlength="20000" autocomplete="off" aria-describedby="rtt-hint" data-rtt-input
            .value=${live(this.rtt.own)} @input=${(e: Event) => this.rtt.type((e.target as HTMLTextAreaElement).value)}></textarea>
        </div>
        ${repeat(
          others,
          (peerId) => peerId,
          (peerId, i) => html`<section class="stream theirs" aria-labelledby="rtt-from-${i}" data-rtt-peer=${peerId}>
            <h4 id="rtt-from-${i}">${t.typing(this.nameOf(peerId))}</h4>
            <div class="text" tabindex="0" aria-labelledby="rtt-from-${i}" data-rtt-text>${this.texts.get(peerId) || nothing}</div>
          </section>`,
        )}
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" data-rtt-announcement>${this.announcement}</div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-rtt-panel': BalieRttPanel;
  }
}
