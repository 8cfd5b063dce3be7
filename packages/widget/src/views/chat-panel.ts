import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ChatMessage } from '../call/peer-mesh.ts';
import { formatDate } from '../i18n/index.ts';
import { BalieView } from './balie-view.ts';
import { chatParts } from './chat-links.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/**
 * Chat over the data channel: nothing is stored on the server. Text is rendered as text (Lit escapes
 * it); only http(s) addresses become links, opened in a new tab without access to this page. The list
 * is not a live region: the call view announces what others write, never one's own words back.
 */
@customElement('balie-chat-panel')
export class BalieChatPanel extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [
    ...BalieView.styles,
    css`
      ol {
        list-style: none;
        margin: 0 0 0.5em;
        padding: 0;
        max-height: 16em;
        overflow-y: auto;
      }
      li {
        margin-bottom: 0.5em;
        overflow-wrap: anywhere;
      }
      .from {
        font-weight: 600;
      }
      form {
        display: flex;
        gap: 0.5em;
      }
    `,
  ];

  @property({ attribute: false }) messages: ChatMessage[] = [];

  private linkify(text: string) {
    return chatParts(text).map((part) =>
      typeof part === 'string' ? part : html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>`,
    );
  }

  override updated() {
    const list = this.renderRoot.querySelector('ol');
    if (list) list.scrollTop = list.scrollHeight;
  }

  override render() {
    const t = this.t.meeting;
    return html`<section aria-labelledby="chat-h">
      <h3 id="chat-h">${t.chat}</h3>
      <ol>
        ${this.messages.length === 0 ? html`<li class="hint">${t.noMessages}</li>` : ''}
        ${this.messages.map(
          (m) => html`<li><span class="from">${m.from}</span> <span class="hint">${formatDate(m.at, this.t, 'time')}</span><br />${this.linkify(m.text)}</li>`,
        )}
      </ol>
      <form
        @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          const input = (e.target as HTMLFormElement).elements.namedItem('message') as HTMLInputElement;
          const text = input.value.trim();
          if (!text) return;
          this.emit('send', text);
          input.value = '';
        }}
      >
        <label class="visually-hidden" for="message">${t.chatLabel}</label>
        <input id="message" name="message" type="text" maxlength="2000" autocomplete="off" />
        <button type="submit">${t.send}</button>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-chat-panel': BalieChatPanel;
  }
}
