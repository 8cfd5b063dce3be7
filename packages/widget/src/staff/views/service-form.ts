import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localize, type Channel } from '../../api/types.ts';
import type { Account, AdminService, AffectedAppointment, LabelledItem } from '../types.ts';
import { channelLabel } from '../format.ts';
import { lookups } from '../names.ts';
import { affectedBy, renderAffected } from './affected-list.ts';
import { StaffView } from './staff-view.ts';

const LANGS = ['nl', 'fr', 'en', 'de'] as const;
type Lang = (typeof LANGS)[number];
const CHANNELS: Channel[] = ['video', 'counter', 'phone'];

const blank = (): AdminService => ({
  id: '',
  texts: { nl: { name: '', description: '' } },
  durationMin: 30,
  bufferBeforeMin: 0,
  bufferAfterMin: 10,
  noticeMin: 120,
  horizonDays: 28,
  channels: ['video'],
  intake: [],
  requiredDocuments: [],
  active: true,
  staffIds: [],
});

/** Keeps Dutch always (the server requires it) and another language only when its main text is filled in. */
function filled<T extends Record<string, string>>(texts: Partial<Record<Lang, T>>, main: keyof T) {
  return Object.fromEntries(LANGS.filter((l) => l === 'nl' || texts[l]?.[main]?.trim()).map((l) => [l, texts[l] ?? { [main]: '' }])) as { nl: T } & Partial<Record<Lang, T>>;
}

/** Create or edit a service: texts in nl/fr/en/de, timing, channels, intake questions, documents, staff. */
@customElement('balie-staff-service-form')
export class BalieStaffServiceForm extends StaffView {
  /** The service to edit; none to create one. */
  @property({ attribute: false }) service?: AdminService;
  @property({ attribute: false }) accounts: Account[] = [];
  @property({ attribute: false }) services: AdminService[] = [];

  @state() private draft: AdminService = blank();
  @state() private errors: Record<string, string> = {};
  @state() private error = '';
  @state() private affected?: AffectedAppointment[];
  @state() private busy = false;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('service')) this.draft = structuredClone(this.service ?? blank());
  }

  private change(apply: (draft: AdminService) => void) {
    apply(this.draft);
    this.requestUpdate();
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const d = this.draft;
    const payload: AdminService = {
      ...d,
      texts: filled(d.texts, 'name'),
      intake: d.intake.map((q) => ({ ...q, texts: filled(q.texts, 'label') })),
      requiredDocuments: d.requiredDocuments.map((doc) => ({ ...doc, texts: filled(doc.texts, 'label') })),
    };
    this.busy = true;
    this.errors = {};
    this.error = '';
    this.affected = undefined;
    try {
      const { id, ...patch } = payload;
      const saved = this.service ? await this.api.updateService(id, patch) : await this.api.createService(payload);
      this.emit('saved', { service: saved, created: !this.service });
    } catch (error) {
      this.affected = affectedBy(error);
      this.errors = this.fieldTexts(error);
      this.error = this.affected ? '' : this.errorText(error);
      // Keyboard and screen reader users land on the first field to fix, or else on the refusal.
      await this.updateComplete;
      const invalid = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (invalid) invalid.focus();
      else this.renderRoot.querySelector<HTMLElement>('[role="alert"]')?.scrollIntoView({ block: 'center' });
    } finally {
      this.busy = false;
    }
  }

  private described(id: string, path: string, hint?: string) {
    const ids = [hint ? `${id}-hint` : '', this.errors[path] ? `${id}-error` : ''].filter(Boolean).join(' ');
    return ids || nothing;
  }

  private text(path: string, label: string, value: string, set: (value: string) => void, opts: { hint?: string; multiline?: boolean } = {}) {
    const id = `f-${path.replace(/\./g, '-')}`;
    const onInput = (e: Event) => this.change(() => set((e.target as HTMLInputElement).value));
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${opts.hint ? html`<p class="hint" id=${`${id}-hint`}>${opts.hint}</p>` : nothing}
      ${opts.multiline
        ? html`<textarea id=${id} .value=${value} @input=${onInput} aria-invalid=${this.errors[path] ? 'true' : 'false'} aria-describedby=${this.described(id, path, opts.hint)}></textarea>`
        : html`<input id=${id} type="text" .value=${value} @input=${onInput} aria-invalid=${this.errors[path] ? 'true' : 'false'} aria-describedby=${this.described(id, path, opts.hint)} />`}
      ${this.fieldError(id, this.errors[path])}
    </div>`;
  }

  private number(path: keyof AdminService & string, label: string, hint?: string) {
    const id = `f-${path}`;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : nothing}
      <input id=${id} type="number" min="0" .value=${String(this.draft[path])} aria-invalid=${this.errors[path] ? 'true' : 'false'}
        aria-describedby=${this.described(id, path, hint)}
        @input=${(e: Event) => this.change((d) => ((d as unknown as Record<string, number>)[path] = Number((e.target as HTMLInputElement).value)))} />
      ${this.fieldError(id, this.errors[path])}
    </div>`;
  }

  override render() {
    const t = this.t.services;
    const d = this.draft;
    const title = this.service ? t.editTitle(localize(this.service.texts, 'nl').name) : t.newTitle;
    return html`${this.heading(title)}
      <form novalidate @submit=${this.submit}>
        ${this.service ? nothing : this.text('id', t.id, d.id, (v) => (d.id = v.trim()), { hint: t.idHint })}
        <fieldset class="box">
          <legend>${t.texts}</legend>
          <div class="grid">
            ${LANGS.map(
              (lang) => html`<fieldset>
                <legend>${t.langs[lang]} ${lang === 'nl' ? nothing : html`<span class="muted">${this.t.common.optional}</span>`}</legend>
                ${this.text(`texts.${lang}.name`, t.name, d.texts[lang]?.name ?? '', (v) => (d.texts[lang] = { description: '', ...d.texts[lang], name: v }))}
                ${this.text(`texts.${lang}.description`, t.description, d.texts[lang]?.description ?? '', (v) => (d.texts[lang] = { name: '', ...d.texts[lang], description: v }), { multiline: true })}
              </fieldset>`,
            )}
          </div>
        </fieldset>
        <fieldset class="box">
          <legend>${t.timing}</legend>
          <div class="grid">
            ${this.number('durationMin', t.duration, t.multipleHint)} ${this.number('bufferBeforeMin', t.bufferBefore, t.multipleHint)}
            ${this.number('bufferAfterMin', t.bufferAfter, t.multipleHint)} ${this.number('noticeMin', t.notice, t.noticeHint)}
            ${this.number('horizonDays', t.horizon)}
          </div>
        </fieldset>
        <fieldset class="box" aria-describedby=${this.errors.channels ? 'f-channels-error' : nothing}>
          <legend>${t.channels}</legend>
          ${CHANNELS.map((channel) =>
            this.checkbox(`f-channel-${channel}`, channelLabel(this.t.agenda, channel), d.channels.includes(channel), (on) =>
              this.change((d) => (d.channels = CHANNELS.filter((c) => (c === channel ? on : d.channels.includes(c))))),
            ),
          )}
          ${this.fieldError('f-channels', this.errors.channels)}
        </fieldset>
        ${this.renderItems('intake', t.intake, t.question, t.addQuestion)}
        ${this.renderItems('requiredDocuments', t.documents, t.document, t.addDocument)}
        <fieldset class="box">
          <legend>${t.staff}</legend>
          ${this.accounts.map((m) =>
            this.checkbox(`f-staff-${m.id}`, m.name, d.staffIds.includes(m.id), (on) =>
              this.change((d) => (d.staffIds = on ? [...d.staffIds, m.id] : d.staffIds.filter((s) => s !== m.id))),
            ),
          )}
          ${this.fieldError('f-staffIds', this.errors.staffIds)}
        </fieldset>
        ${this.checkbox('f-active', t.active, d.active, (on) => this.change((d) => (d.active = on)))}
        ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
        ${this.affected ? this.renderRefusal(this.affected) : nothing}
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${this.busy ? this.t.common.saving : this.t.common.save}</button>
          <button type="button" class="secondary" @click=${() => this.emit('close')}>${this.t.common.cancel}</button>
        </div>
      </form>`;
  }

  private checkbox(id: string, label: string, checked: boolean, set: (on: boolean) => void) {
    return html`<label class="checkbox" for=${id}>
      <input id=${id} type="checkbox" .checked=${checked} @change=${(e: Event) => set((e.target as HTMLInputElement).checked)} />
      ${label}
    </label>`;
  }

  /** Intake questions or required documents: a code, labels in four languages and (questions) required. */
  private renderItems(key: 'intake' | 'requiredDocuments', legend: string, name: (n: number) => string, add: string) {
    const t = this.t.services;
    const items: (LabelledItem & { required?: boolean })[] = this.draft[key];
    const prefix = key === 'intake' ? 'vraag' : 'document';
    return html`<fieldset class="box">
      <legend>${legend}</legend>
      ${this.fieldError(`f-${key}`, this.errors[key])}
      ${items.map(
        (item, i) => html`<fieldset class="box" data-item=${`${key}-${i}`}>
          <legend>${name(i + 1)}</legend>
          <div class="grid">
            ${this.text(`${key}.${i}.id`, t.itemId, item.id, (v) => (item.id = v.trim()))}
            ${LANGS.map((lang) =>
              this.text(`${key}.${i}.texts.${lang}.label`, `${t.label} (${t.langs[lang]})`, item.texts[lang]?.label ?? '', (v) => (item.texts[lang] = { label: v })),
            )}
          </div>
          ${key === 'intake' ? this.checkbox(`f-${key}-${i}-required`, t.required, item.required ?? false, (on) => this.change(() => (item.required = on))) : nothing}
          <button type="button" class="secondary small" @click=${() => this.change((d) => (d[key] = d[key].filter((x) => x !== item) as never))}>
            ${t.removeItem(name(i + 1))}
          </button>
        </fieldset>`,
      )}
      <button type="button" class="secondary small"
        @click=${() => this.change((d) => (d[key] = [...d[key], { id: `${prefix}-${d[key].length + 1}`, required: false, texts: { nl: { label: '' } } }] as never))}>
        ${add}
      </button>
    </fieldset>`;
  }

  private renderRefusal(affected: AffectedAppointment[]) {
    return renderAffected(this.t, affected, lookups(this.services, this.accounts), (id) => this.navigate({ view: 'dossier', id }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-service-form': BalieStaffServiceForm;
  }
}
