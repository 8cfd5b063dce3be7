import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { Channel, Slot } from '../../api/types.ts';
import { loadMessages, type Lang, type Messages } from '../../i18n/index.ts';
import '../../views/slot-picker.ts';
import { ApiError } from '../api.ts';
import { channelLabel, formatWhen } from '../format.ts';
import type { Dossier } from '../types.ts';
import { StaffView } from './staff-view.ts';

interface ChannelChoice {
  channel: Channel;
  locationId: string | null;
  label: string;
}

/**
 * Plans a follow-up at a slot the citizen could book too: the citizen's own slot picker on the
 * public slot listing (`/api/services/:id/slots`), so staff and citizens see the same offer.
 */
@customElement('balie-staff-follow-up')
export class BalieStaffFollowUp extends StaffView {
  @property({ attribute: false }) dossier!: Dossier;

  @state() private open = false;
  @state() private choices: ChannelChoice[] = [];
  @state() private choice?: ChannelChoice;
  @state() private chosen?: Slot;
  @state() private error = '';
  @state() private busy = false;
  @state() private planned?: Dossier;
  @state() private pickerTexts?: Messages;
  @state() private pickerKey = 0;

  private get pickerLang(): Lang {
    return this.t.locale.startsWith('en') ? 'en' : 'nl';
  }

  private async start() {
    this.open = true;
    this.planned = undefined;
    try {
      const [services, locations, texts] = await Promise.all([
        this.api.services(),
        this.api.locations(),
        loadMessages(this.pickerLang),
      ]);
      const channels = services.find((s) => s.id === this.dossier.service.id)?.channels ?? [this.dossier.channel];
      const a = this.t.agenda;
      this.choices = channels.flatMap((channel): ChannelChoice[] =>
        channel === 'counter'
          ? locations.map((l) => ({ channel, locationId: l.id, label: channelLabel(a, channel, l.name) }))
          : [{ channel, locationId: null, label: channelLabel(a, channel) }],
      );
      this.choice =
        this.choices.find((c) => c.channel === this.dossier.channel && c.locationId === (this.dossier.location?.id ?? null)) ?? this.choices[0];
      this.pickerTexts = texts;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#follow-up-channel')?.focus();
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    if (!this.chosen || !this.choice) {
      this.error = this.t.dossier.chooseSlot;
      return;
    }
    const note = this.renderRoot.querySelector<HTMLTextAreaElement>('#follow-up-note')!.value.trim();
    this.busy = true;
    this.error = '';
    try {
      this.planned = await this.api.followUp(this.dossier.id, {
        start: this.chosen.start,
        channel: this.chosen.channel,
        locationId: this.chosen.locationId,
        ...(note ? { note } : {}),
      });
      this.open = false;
      this.chosen = undefined;
      this.announce(this.t.dossier.planned(formatWhen(this.planned.start, this.t.locale)));
      this.emit('planned', this.planned);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'slot_taken') {
        this.error = this.t.dossier.slotTaken;
        this.chosen = undefined;
        this.pickerKey++;
      } else this.error = this.errorText(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const t = this.t.dossier;
    return html`<section aria-labelledby="follow-up-heading">
      <h3 id="follow-up-heading">${t.followUpTitle}</h3>
      ${this.planned
        ? html`<div class="notice success" role="status">
            <p>${t.planned(formatWhen(this.planned.start, this.t.locale))}</p>
            <button class="secondary small" @click=${() => this.navigate({ view: 'dossier', id: this.planned!.id })}>${t.openPlanned}</button>
          </div>`
        : nothing}
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${this.open ? this.renderForm() : html`<button class="secondary" aria-expanded="false" @click=${this.start}>${t.startPlanning}</button>`}
    </section>`;
  }

  private renderForm() {
    const t = this.t.dossier;
    const choice = this.choice;
    return html`<form novalidate @submit=${this.submit}>
      <div class="field">
        <label for="follow-up-channel">${t.channel}</label>
        <select id="follow-up-channel" @change=${(e: Event) => {
          this.choice = this.choices[Number((e.target as HTMLSelectElement).value)];
          this.chosen = undefined;
        }}>
          ${this.choices.map((c, i) => html`<option value=${i} ?selected=${c === choice}>${c.label}</option>`)}
        </select>
      </div>
      ${choice && this.pickerTexts
        ? html`<fieldset class="box">
            <legend>${this.pickerTexts.booking.chooseTime}</legend>
            ${keyed(
              this.pickerKey,
              html`<balie-slot-picker .t=${this.pickerTexts} .lang=${this.pickerLang} .server=${this.api.origin}
                .serviceId=${this.dossier.service.id} .channel=${choice.channel} .locationId=${choice.locationId} .selected=${this.chosen?.start}
                @select=${(e: CustomEvent<Slot>) => (this.chosen = e.detail)}></balie-slot-picker>`,
            )}
          </fieldset>`
        : html`<p>${this.t.common.loading}</p>`}
      <div class="field">
        <label for="follow-up-note">${t.note} <span class="muted">${this.t.common.optional}</span></label>
        <p class="hint" id="follow-up-note-hint">${t.noteHint}</p>
        <textarea id="follow-up-note" aria-describedby="follow-up-note-hint"></textarea>
      </div>
      <div class="actions">
        <button type="submit" ?disabled=${this.busy}>${t.plan}</button>
        <button type="button" class="secondary" @click=${() => (this.open = false)}>${this.t.common.back}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-follow-up': BalieStaffFollowUp;
  }
}
