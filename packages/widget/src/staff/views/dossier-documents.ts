import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { DocumentsApi, type DocumentsAccess } from '../../api/client.ts';
import { UploadsController, type UploadItem } from '../../controllers/uploads.ts';
import { ApiError } from '../api.ts';
import { formatSize, formatWhen } from '../format.ts';
import type { Dossier, DossierDocument } from '../types.ts';
import { StaffView } from './staff-view.ts';

/**
 * The documents of one appointment in the dossier: download each (with its SHA-256 to compare),
 * share a document with the citizen (resumable tus upload, the widget's own uploader) and delete one
 * at once after a confirmation. Tells the dossier to reload with `changed`.
 */
@customElement('balie-staff-documents')
export class BalieStaffDocuments extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      .uploads progress {
        inline-size: min(16rem, 100%);
        vertical-align: middle;
      }
      .sha {
        font-family: ui-monospace, monospace;
        font-size: 0.85em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) dossier!: Dossier;

  @state() private confirming = '';
  @state() private error = '';

  private uploads?: UploadsController;
  private docs?: DocumentsApi;
  private forAppointment = '';

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('dossier') && this.dossier?.id !== this.forAppointment) {
      this.forAppointment = this.dossier?.id ?? '';
      this.confirming = '';
      void this.prepare(this.forAppointment);
    }
  }

  /** The uploader needs the session's CSRF token for tus writes; one uploader per appointment. */
  private async prepare(appointmentId: string) {
    if (this.uploads) {
      this.removeController(this.uploads);
      this.uploads.hostDisconnected();
      this.uploads = undefined;
    }
    if (!appointmentId) return;
    try {
      const session = await this.api.session();
      if (appointmentId !== this.forAppointment) return;
      const access: DocumentsAccess = { kind: 'staff', appointmentId, csrfHeader: session.csrfHeader, csrfToken: session.csrfToken };
      this.docs = new DocumentsApi(this.api.origin, access);
      this.uploads = new UploadsController(this, {
        api: this.docs,
        maxFileBytes: () => 0, // the server answers 413 with the limit
        onProgress: () => undefined,
        onSent: (item) => {
          this.announce(this.t.dossier.shared(item.name));
          this.emit('changed');
        },
      });
      this.requestUpdate();
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private chosen(event: Event) {
    const input = event.target as HTMLInputElement;
    if (input.files?.length) this.uploads?.add([...input.files]);
    input.value = '';
  }

  private async deleteDocument(doc: DossierDocument) {
    this.confirming = '';
    try {
      await this.docs!.remove(doc.id);
      this.announce(this.t.dossier.documentDeleted(doc.filename));
      this.emit('changed');
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private uploadErrorText(error: ApiError) {
    const texts: Record<string, string> = this.t.dossier.uploadErrors;
    return texts[error.code] ?? (error.status === 0 ? this.t.errors.network : this.errorText(error));
  }

  override render() {
    const t = this.t.dossier;
    const d = this.dossier;
    const canShare = d.status === 'booked';
    return html`<h4>${t.documents}</h4>
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${d.documents.length
        ? html`<ul class="documents">
            ${repeat(d.documents, (doc) => doc.id, (doc) => this.renderDocument(doc))}
          </ul>`
        : html`<p>${t.noDocuments}</p>`}
      ${canShare && this.uploads
        ? html`<div class="field">
            <label for="share-file">${t.shareDocument}</label>
            <p class="hint" id="share-hint">${t.shareHint}</p>
            <input id="share-file" type="file" multiple aria-describedby="share-hint" @change=${this.chosen} />
          </div>`
        : nothing}
      ${this.uploads?.items.length ? this.renderUploads(this.uploads.items) : nothing}`;
  }

  private renderDocument(doc: DossierDocument) {
    const t = this.t.dossier;
    const confirming = this.confirming === doc.id;
    return html`<li data-document=${doc.id}>
      <a href=${this.api.documentUrl(this.dossier.id, doc.id)} download>${doc.filename}</a>
      <span class="muted">(${formatSize(doc.size, this.t.locale)}, ${t.uploadedBy[doc.uploadedBy]}, ${formatWhen(doc.createdAt, this.t.locale, 'short')})</span>
      ${doc.sha256 ? html`<br /><span class="muted sha">SHA-256 ${doc.sha256}</span>` : nothing}
      ${confirming
        ? html`<p role="alert">${t.confirmDeleteDocument(doc.filename)}</p>
            <div class="actions">
              <button class="danger small" @click=${() => this.deleteDocument(doc)}>${t.confirmDelete}</button>
              <button class="secondary small" @click=${() => (this.confirming = '')}>${t.keepDocument}</button>
            </div>`
        : html`<button class="secondary small" @click=${() => (this.confirming = doc.id)}>${t.deleteDocument(doc.filename)}</button>`}
    </li>`;
  }

  private renderUploads(items: UploadItem[]) {
    const t = this.t.dossier;
    const u = this.uploads!;
    return html`<ul class="uploads">
      ${repeat(
        items,
        (i) => i.id,
        (i) => {
          const percent = i.size ? Math.floor((i.bytesUploaded / i.size) * 100) : 0;
          const retry = i.state === 'failed' && (!i.error || i.error.status === 0 || i.error.status >= 500);
          return html`<li data-upload=${i.state}>
            ${i.name}
            <progress max="100" value=${percent} aria-label=${t.uploadProgress(i.name, percent)}></progress>
            ${i.state === 'checking' ? t.checking : i.state === 'failed' ? nothing : `${percent}%`}
            ${i.state === 'failed' && i.error ? html`<p class="error" role="alert">${this.uploadErrorText(i.error)}</p>` : nothing}
            ${retry ? html`<button class="secondary small" @click=${() => u.retry(i.id)}>${t.retryUpload(i.name)}</button>` : nothing}
            <button class="secondary small" @click=${() => u.cancel(i.id)}>${t.cancelUpload(i.name)}</button>
          </li>`;
        },
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-documents': BalieStaffDocuments;
  }
}
