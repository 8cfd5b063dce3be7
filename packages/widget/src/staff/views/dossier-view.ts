import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api.ts';
import { channelLabel, formatWhen } from '../format.ts';
import type { AgendaChanged, Dossier } from '../types.ts';
import { renderDeviceParts } from './device-parts.ts';
import './cancel-form.ts';
import './dossier-documents.ts';
import './follow-up-planner.ts';
import { StaffView } from './staff-view.ts';

/**
 * One appointment in full: details, intake, readiness, notes and next steps, the outcome, cancel
 * with a message, and a follow-up at an offered slot. Reloads when the live stream mentions it.
 */
@customElement('balie-staff-dossier')
export class BalieStaffDossier extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      .columns {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(26em, 100%), 1fr));
        gap: 0 calc(var(--_space) * 2.5);
        align-items: start;
      }
      .call {
        border: 2px solid var(--_primary);
        border-radius: var(--_radius);
        background: var(--_surface);
        padding: calc(var(--_space) * 0.75);
      }
      textarea {
        min-height: 6em;
      }
    `,
  ];

  @property() appointmentId = '';
  /** The latest live event; reloads when it is about this appointment. */
  @property({ attribute: false }) change?: AgendaChanged;

  @state() private dossier?: Dossier;
  @state() private error = '';
  @state() private notes = '';
  @state() private nextSteps = '';
  @state() private dirty = false;
  @state() private savingNotes = false;
  /** Shown under the button until the next keystroke: the announcement alone is invisible. */
  @state() private notesSaved = false;
  @state() private outcomeError = '';

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('appointmentId')) {
      this.dossier = undefined;
      this.dirty = false;
      this.notesSaved = false;
      void this.load();
    } else if (changed.has('change') && this.change?.appointmentId === this.appointmentId) void this.load();
  }

  private async load() {
    try {
      this.show(await this.api.appointment(this.appointmentId));
      this.error = '';
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  /** Takes a fresh dossier; notes being typed are kept. */
  private show(dossier: Dossier) {
    this.dossier = dossier;
    if (!this.dirty) {
      this.notes = dossier.notes ?? '';
      this.nextSteps = dossier.nextSteps ?? '';
    }
  }

  private async saveNotes(e: SubmitEvent) {
    e.preventDefault();
    this.savingNotes = true;
    try {
      this.dirty = false;
      this.show(await this.api.updateNotes(this.appointmentId, { notes: this.notes || null, nextSteps: this.nextSteps || null }));
      this.notesSaved = true;
      this.announce(this.t.dossier.notesSaved);
    } catch (error) {
      this.dirty = true;
      this.announce(this.errorText(error));
    } finally {
      this.savingNotes = false;
    }
  }

  private async outcome(kind: 'held' | 'no-show') {
    const t = this.t.dossier;
    this.outcomeError = '';
    try {
      this.show(await (kind === 'held' ? this.api.markHeld(this.appointmentId) : this.api.markNoShow(this.appointmentId)));
      this.announce(kind === 'held' ? t.markedHeld : t.markedNoShow);
    } catch (error) {
      const byCode: Record<string, string> = { not_started: t.notStarted, not_booked: t.notBooked };
      this.outcomeError = (error instanceof ApiError && byCode[error.code]) || this.errorText(error);
    }
  }

  /*
   * CALL UI HOOK: "Gesprek starten" only asks for the call. The console (or whoever integrates the
   * call view) listens for this internal, non-composed `start-call` event on <balie-staff-dossier>.
   */
  private startCall() {
    this.dispatchEvent(new CustomEvent('start-call', { detail: { appointmentId: this.appointmentId, citizen: this.dossier?.citizen.firstName ?? '' } }));
  }

  override render() {
    const d = this.dossier;
    const t = this.t.dossier;
    const title = d ? t.title(d.citizen.firstName, d.service.name) : this.t.common.loading;
    return html`<p><button class="link" @click=${() => this.navigate({ view: 'agenda' })}>← ${t.back}</button></p>
      ${this.heading(title)}
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${d ? this.renderDossier(d) : nothing}`;
  }

  private renderDossier(d: Dossier) {
    const t = this.t.dossier;
    const a = this.t.agenda;
    const when = (iso: string) => formatWhen(iso, this.t.locale);
    const where = channelLabel(a, d.channel, d.location && `${d.location.name}, ${d.location.address}`);
    const open = (id: string) => html`<button class="link" @click=${() => this.navigate({ view: 'dossier', id })}>${t.open}</button>`;
    const booked = d.status === 'booked';
    return html`<div class="columns">
      <div>
        <section aria-labelledby="appointment-heading">
          <h3 id="appointment-heading">${t.appointment}</h3>
          <dl class="summary">
            <dt>${t.when}</dt><dd>${when(d.start)} – ${formatWhen(d.end, this.t.locale, 'time')}</dd>
            <dt>${t.service}</dt><dd>${d.service.name}</dd>
            <dt>${t.where}</dt><dd>${where}</dd>
            <dt>${t.staff}</dt><dd>${d.staff.name}</dd>
            <dt>${t.status}</dt><dd data-status=${d.status}>${a.status[d.status]}${d.cancelledAt ? html` · ${t.cancelledAt(when(d.cancelledAt))}` : nothing}</dd>
            <dt>${t.booked}</dt>
            <dd>${when(d.createdAt)}${d.bookedBy ? html` · <span data-booked-by=${d.bookedBy.id}>${a.bookedBy(d.bookedBy.name)}</span>` : nothing}</dd>
            ${d.followUpOf ? html`<dt>${t.followUpOf}</dt><dd>${open(d.followUpOf)}</dd>` : nothing}
            ${d.followUps.length ? html`<dt>${t.followUps}</dt><dd>${d.followUps.map((id) => open(id))}</dd>` : nothing}
          </dl>
        </section>
        <section aria-labelledby="citizen-heading">
          <h3 id="citizen-heading">${t.citizen}</h3>
          <dl class="summary">
            <dt>${t.name}</dt><dd>${d.citizen.name}</dd>
            ${d.citizen.phone
              ? html`<dt>${this.t.book.phone}</dt>
                  <dd><a href="tel:${d.citizen.phone.tel}" aria-label=${a.call(d.citizen.phone.text)} data-call>${d.citizen.phone.text}</a></dd>`
              : nothing}
            <dt>${t.language}</dt><dd>${t.languages[d.lang as keyof typeof t.languages] ?? d.lang}</dd>
            <dt>${t.companions}</dt>
            <dd>${d.companions.length ? d.companions.map((p) => html`${p.name} (${a.companionRoles[p.role]})<br />`) : this.t.common.none}</dd>
          </dl>
          <h4>${t.intake}</h4>
          ${d.intake.length
            ? html`<dl class="summary">${d.intake.map((q) => html`<dt>${q.question}</dt><dd>${q.answer}</dd>`)}</dl>`
            : html`<p>${t.noIntake}</p>`}
          ${Object.keys(d.metadata ?? {}).length
            ? html`<h4>${t.metadata}</h4>
                <dl class="summary" data-metadata>${Object.entries(d.metadata).map(([key, value]) => html`<dt>${key}</dt><dd>${value}</dd>`)}</dl>`
            : nothing}
        </section>
        ${this.renderPreparation(d)}
      </div>
      <div>
        ${d.channel === 'video' && booked
          ? html`<section class="call" aria-labelledby="call-heading" data-call-slot>
              <h3 id="call-heading">${t.call}</h3>
              <button @click=${this.startCall}>${t.startCall}</button>
            </section>`
          : nothing}
        ${this.renderNotes()} ${booked ? this.renderOutcome(d) : nothing}
        ${booked ? html`<balie-staff-follow-up .t=${this.t} .api=${this.api} .me=${this.me} .dossier=${d}
              @planned=${() => this.load()} @navigate=${(e: CustomEvent) => this.emit('navigate', e.detail)}
              @announce=${(e: CustomEvent) => this.emit('announce', e.detail)}></balie-staff-follow-up>
            <balie-staff-cancel .t=${this.t} .api=${this.api} .me=${this.me} .appointmentId=${d.id}
              @cancelled=${(e: CustomEvent<Dossier>) => this.show(e.detail)}
              @announce=${(e: CustomEvent) => this.emit('announce', e.detail)}></balie-staff-cancel>`
          : nothing}
      </div>
    </div>`;
  }

  private renderPreparation(d: Dossier) {
    const t = this.t.dossier;
    const a = this.t.agenda;
    return html`<section aria-labelledby="preparation-heading">
      <h3 id="preparation-heading">${t.preparation}</h3>
      <ul>
        ${d.waitingSince && d.status === 'booked' ? html`<li><strong>${t.waitingSince(formatWhen(d.waitingSince, this.t.locale, 'time'))}</strong></li>` : nothing}
        ${d.channel === 'video'
          ? html`<li>
              ${a.deviceCheck[d.readiness.deviceCheck]}${d.deviceCheckAt ? ` (${t.deviceCheckAt(formatWhen(d.deviceCheckAt, this.t.locale, 'short'))})` : ''}${d.readiness.deviceParts
                ? html`: ${renderDeviceParts(this.t, d.readiness.deviceParts)}`
                : nothing}
            </li>`
          : nothing}
        ${d.readiness.fallback ? html`<li><strong data-fallback=${d.readiness.fallback}>${a.deviceFallback[d.readiness.fallback]}</strong></li>` : nothing}
        ${d.prefersText ? html`<li><strong data-prefers-text>${a.prefersText}</strong></li>` : nothing}
        <li>${d.requiredDocuments.length ? a.documents(d.readiness.documents.uploaded, d.requiredDocuments.length) : a.noDocuments}</li>
      </ul>
      ${d.requiredDocuments.length
        ? html`<h4>${t.requiredDocuments}</h4>
            <ul>
              ${d.requiredDocuments.map(
                (doc) => html`<li>${doc.label} ${doc.provided ? html`<span class="badge ok">${t.provided}</span>` : nothing}</li>`,
              )}
            </ul>`
        : nothing}
      <balie-staff-documents .t=${this.t} .api=${this.api} .me=${this.me} .dossier=${d} @changed=${() => this.load()}
        @announce=${(e: CustomEvent) => this.emit('announce', e.detail)}></balie-staff-documents>
    </section>`;
  }

  private renderNotes() {
    const t = this.t.dossier;
    const input = (field: 'notes' | 'nextSteps') => (e: Event) => {
      this[field] = (e.target as HTMLTextAreaElement).value;
      this.dirty = true;
      this.notesSaved = false;
    };
    return html`<section aria-labelledby="notes-heading">
      <h3 id="notes-heading">${t.notesTitle}</h3>
      <form @submit=${this.saveNotes}>
        <div class="field">
          <label for="notes">${t.notes}</label>
          <p class="hint" id="notes-hint">${t.notesHint}</p>
          <textarea id="notes" aria-describedby="notes-hint" .value=${this.notes} @input=${input('notes')}></textarea>
        </div>
        <div class="field">
          <label for="next-steps">${t.nextSteps}</label>
          <p class="hint" id="next-steps-hint">${t.nextStepsHint}</p>
          <textarea id="next-steps" aria-describedby="next-steps-hint" .value=${this.nextSteps} @input=${input('nextSteps')}></textarea>
        </div>
        <button type="submit" ?disabled=${this.savingNotes}>${this.savingNotes ? this.t.common.saving : t.saveNotes}</button>
        ${this.notesSaved ? html`<p class="notice success">${t.notesSaved}</p>` : nothing}
      </form>
    </section>`;
  }

  private renderOutcome(d: Dossier) {
    const t = this.t.dossier;
    // Only a hint: the server's clock decides (a 409 `not_started` explains it otherwise).
    const started = Date.parse(d.start) <= Date.now();
    return html`<section aria-labelledby="outcome-heading">
      <h3 id="outcome-heading">${t.outcome}</h3>
      ${started ? nothing : html`<p class="hint" id="outcome-hint">${t.outcomeHint}</p>`}
      ${this.outcomeError ? html`<p class="notice error-box" role="alert">${this.outcomeError}</p>` : nothing}
      <div class="actions">
        <button class="secondary" aria-describedby=${started ? nothing : 'outcome-hint'} @click=${() => this.outcome('held')}>${t.held}</button>
        <button class="secondary" aria-describedby=${started ? nothing : 'outcome-hint'} @click=${() => this.outcome('no-show')}>${t.noShow}</button>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-dossier': BalieStaffDossier;
  }
}
