import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError, DocumentsApi, type DocumentsAccess } from '../api/client.ts';
import { localize, type DocumentList, type DocumentView } from '../api/types.ts';
import { UploadsController, type UploadItem } from '../controllers/uploads.ts';
import { BalieView } from './balie-view.ts';
import { documentsPanelStyles } from './documents-panel.styles.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/** In a call the list is polled: citizens have no event stream, and staff share documents live. */
const POLL_MS = 4000;
/** Public progress events per file, at most this often. */
const PROGRESS_EVERY_MS = 250;

/**
 * The appointment's documents, before and during the call: drop or pick files or take a photo, watch
 * each upload (pause, resume, retry, cancel), see the requested documents still missing, and download
 * what others shared. Tells the root element through composed `documents-*` events, which the root
 * turns into the public `balie-upload-*` and `balie-document-received` events.
 */
@customElement('balie-documents-panel')
export class BalieDocumentsPanel extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  static override styles = [...BalieView.styles, documentsPanelStyles];

  @property({ attribute: false }) access!: DocumentsAccess;
  /** Poll for documents others add (in the call). */
  @property({ type: Boolean }) live = false;
  /** Only list and download (after the appointment). */
  @property({ type: Boolean }) readonly = false;

  @state() private list?: DocumentList;
  @state() private error = '';
  @state() private dragging = false;

  private uploads?: UploadsController;
  private poll?: ReturnType<typeof setInterval>;
  private requiredFor?: string;
  private lastProgress = new Map<string, number>();

  private get docs() {
    return new DocumentsApi(this.server, this.access);
  }

  override connectedCallback() {
    super.connectedCallback();
    this.uploads ??= new UploadsController(this, {
      api: this.docs,
      maxFileBytes: () => this.list?.limits.maxFileBytes ?? 0,
      onProgress: (item) => this.progress(item),
      onSent: (item, id) => void this.sent(item, id),
    });
    void this.refresh();
    if (this.live) this.poll = setInterval(() => void this.refresh(), POLL_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  private tell(type: string, detail: object) {
    this.dispatchEvent(new CustomEvent(type, { detail: { appointmentId: this.access.appointmentId, ...detail }, bubbles: true, composed: true }));
  }

  /** Reloads the list; documents from others that were not there before are announced. */
  private async refresh() {
    try {
      const next = await this.docs.list();
      const known = this.list && new Set(this.list.documents.map((d) => d.id));
      for (const d of next.documents) {
        if (!known || known.has(d.id) || d.mine) continue;
        this.tell('documents-received', { id: d.id, name: d.filename, size: d.size, contentType: d.contentType, from: d.uploadedBy });
        this.announce(this.t.documents.received(d.filename));
      }
      this.list = next;
    } catch (error) {
      // A missed poll on a weak connection is fine; a first load that fails is shown.
      if (!this.list) this.error = this.errorText(error instanceof ApiError ? error : new ApiError(0, 'network', ''));
    }
  }

  private progress(item: UploadItem) {
    const now = Date.now();
    if (item.bytesUploaded < item.size && now - (this.lastProgress.get(item.id) ?? 0) < PROGRESS_EVERY_MS) return;
    this.lastProgress.set(item.id, now);
    this.tell('documents-upload-progress', { uploadId: item.id, bytesUploaded: item.bytesUploaded, bytesTotal: item.size });
  }

  private async sent(item: UploadItem, id: string) {
    await this.refresh();
    const doc = this.list?.documents.find((d) => d.id === id);
    if (doc) this.tell('documents-upload-completed', { id, name: doc.filename, size: doc.size, sha256: doc.sha256 });
    this.announce(this.t.documents.sent(item.name));
  }

  /**
   * Two inputs, because `capture` differs per engine: Safari on iOS and Chrome and Firefox on Android
   * open the back camera straight away and offer no existing file, while desktop Chromium, Firefox and
   * Safari ignore it and show a file chooser. So the plain input (no `capture`, any type) is always
   * there too, for a scan or photo already on the phone or computer (documents-panel.test.ts).
   * https://w3c.github.io/html-media-capture/#the-capture-attribute
   */
  private pick(requiredDocumentId?: string, camera = false) {
    this.requiredFor = requiredDocumentId;
    this.renderRoot.querySelector<HTMLInputElement>(camera ? '#photo-input' : '#file-input')?.click();
  }

  private chosen(event: Event) {
    const input = event.target as HTMLInputElement;
    if (input.files?.length) this.uploads?.add([...input.files], this.requiredFor);
    input.value = '';
    this.requiredFor = undefined;
  }

  private dropped(event: DragEvent) {
    event.preventDefault();
    this.dragging = false;
    if (event.dataTransfer?.files.length) this.uploads?.add([...event.dataTransfer.files]);
  }

  private async download(doc: DocumentView) {
    try {
      const url = URL.createObjectURL(await this.docs.download(doc.id));
      const link = Object.assign(document.createElement('a'), { href: url, download: doc.filename, hidden: true });
      this.renderRoot.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.error = this.errorText(error as ApiError);
    }
  }

  private async deleteDocument(doc: DocumentView) {
    try {
      await this.docs.remove(doc.id);
      this.announce(this.t.documents.removed(doc.filename));
      await this.refresh();
    } catch (error) {
      this.error = this.errorText(error as ApiError);
    }
  }

  private size(bytes: number) {
    const [value, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, 'megabyte'] : [Math.max(1, bytes / 1024), 'kilobyte'];
    return new Intl.NumberFormat(this.t.locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
  }

  /** The refusal codes of the server, in the citizen's language. */
  private uploadErrorText(error: ApiError) {
    const t = this.t.documents.errors;
    if (error.code === 'file_too_large') return t.file_too_large(this.size(this.list?.limits.maxFileBytes ?? 0));
    const text = (t as Record<string, string | ((s: string) => string)>)[error.code];
    if (typeof text === 'string') return text;
    return error.status === 0 ? t.network : t.generic;
  }

  override render() {
    const t = this.t.documents;
    const list = this.list;
    return html`<section class="documents" aria-labelledby="documents-h">
      <h3 id="documents-h">${t.title}</h3>
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${list?.required.length ? this.renderChecklist(list) : nothing}
      ${this.readonly || !list ? nothing : this.renderDropZone(list)}
      ${this.uploads?.items.length ? this.renderUploads(this.uploads.items) : nothing}
      <h4>${t.list}</h4>
      ${list?.documents.length
        ? html`<ul class="files">${repeat(
            list.documents,
            (d) => d.id,
            (d) => html`<li data-document=${d.id}>
              <button class="link" @click=${() => this.download(d)} aria-label=${t.download(d.filename)}>${d.filename}</button>
              <span class="meta">${this.size(d.size)} · ${d.mine ? t.from.mine : t.from[d.uploadedBy]}</span>
              ${d.canDelete && !this.readonly ? html`<button class="link" @click=${() => this.deleteDocument(d)}>${t.remove(d.filename)}</button>` : nothing}
            </li>`,
          )}</ul>`
        : html`<p>${list ? t.none : this.t.common.loading}</p>`}
    </section>`;
  }

  private renderChecklist(list: DocumentList) {
    const t = this.t.documents;
    return html`<h4>${t.checklist}</h4>
      <ul class="checklist">
        ${list.required.map((r) => {
          const label = localize(r.texts, this.lang).label;
          return html`<li data-provided=${String(r.provided)}>
            <span aria-hidden="true">${r.provided ? '✓' : '○'}</span> ${label} — ${r.provided ? t.provided : t.missing}
            ${r.provided || this.readonly ? nothing : html`<button class="link" @click=${() => this.pick(r.id)}>${t.uploadFor(label)}</button>`}
          </li>`;
        })}
      </ul>`;
  }

  private renderDropZone(list: DocumentList) {
    const t = this.t.documents;
    return html`<div class="drop" data-dragging=${String(this.dragging)}
        @dragover=${(e: DragEvent) => (e.preventDefault(), (this.dragging = true))}
        @dragleave=${() => (this.dragging = false)} @drop=${this.dropped}>
        <p class="hint">${t.intro(this.size(list.limits.maxFileBytes))}</p>
        <p>${t.drop}</p>
        <div class="actions">
          <button @click=${() => this.pick()}>${t.choose}</button>
          <button class="secondary" @click=${() => this.pick(undefined, true)}>${t.photo}</button>
        </div>
        <input id="file-input" type="file" multiple hidden @change=${this.chosen} />
        <input id="photo-input" type="file" accept="image/*" capture="environment" hidden @change=${this.chosen} />
      </div>`;
  }

  private renderUploads(items: UploadItem[]) {
    const t = this.t.documents;
    const u = this.uploads!;
    return html`<h4>${t.uploads}</h4>
      <ul class="uploads">
        ${repeat(
          items,
          (i) => i.id,
          (i) => {
            const percent = i.size ? Math.floor((i.bytesUploaded / i.size) * 100) : 0;
            const canRetry = i.state === 'failed' && (!i.error || i.error.status === 0 || i.error.status >= 500);
            return html`<li data-upload=${i.state}>
              <span class="name">${i.name}</span>
              <progress max="100" value=${percent} aria-label=${t.progress(i.name, percent)}></progress>
              <span class="state">${i.state === 'failed' ? nothing : i.state === 'paused' ? t.paused : i.state === 'checking' ? t.checking : `${percent}%`}</span>
              ${i.state === 'failed' && i.error ? html`<p class="error" role="alert">${this.uploadErrorText(i.error)}</p>` : nothing}
              <span class="actions">
                ${i.state === 'uploading' ? html`<button class="secondary" @click=${() => u.pause(i.id)} aria-label=${t.pause(i.name)}>⏸</button>` : nothing}
                ${i.state === 'paused' ? html`<button class="secondary" @click=${() => u.resume(i.id)} aria-label=${t.resume(i.name)}>▶</button>` : nothing}
                ${canRetry ? html`<button class="secondary" @click=${() => u.retry(i.id)}>${t.retry(i.name)}</button>` : nothing}
                <button class="secondary" @click=${() => u.cancel(i.id)} aria-label=${t.cancel(i.name)}>✕</button>
              </span>
            </li>`;
          },
        )}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-documents-panel': BalieDocumentsPanel;
  }
}
