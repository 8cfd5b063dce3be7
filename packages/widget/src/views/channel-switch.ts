import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Channel, Location, Slot } from '../api/types.ts';
import { BalieView } from './balie-view.ts';
import './slot-picker.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

/** How far ahead a counter is looked for: the longest booking horizon of a service (six weeks). */
const LOOK_AHEAD_DAYS = 42;

/**
 * Where and when an appointment goes when the citizen switches between a video call and a visit at
 * the counter from their personal link: for the counter, first which counter (only those with free
 * times, so no choice leads nowhere), then a free time there. Emits `select` with the chosen slot.
 */
@customElement('balie-channel-switch')
export class BalieChannelSwitch extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  @property() serviceId = '';
  /** The channel the appointment moves to. */
  @property() channel: Channel = 'counter';

  @state() private locations?: Location[];
  @state() private locationId: string | null = null;
  @state() private error = '';

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('serviceId') || changed.has('channel')) void this.load();
  }

  private async load() {
    this.locations = undefined;
    this.locationId = null;
    this.error = '';
    if (this.channel !== 'counter') return;
    try {
      const [all, slots] = await Promise.all([
        this.api.listLocations(),
        this.api.listSlots(this.serviceId, { channel: 'counter', days: LOOK_AHEAD_DAYS }),
      ]);
      const open = new Set(slots.map((s) => s.locationId));
      this.locations = all.filter((l) => open.has(l.id));
      // One counter is no choice: go straight to its times.
      if (this.locations.length === 1) this.locationId = this.locations[0]!.id;
    } catch (error) {
      this.error = this.fail(error);
    }
  }

  override render() {
    if (this.error) return html`<p class="notice error-box" role="alert">${this.error}</p>`;
    const picker = html`<balie-slot-picker .t=${this.t} .lang=${this.lang} .server=${this.server} .serviceId=${this.serviceId}
      .channel=${this.channel} .locationId=${this.locationId} @select=${(e: CustomEvent<Slot>) => this.emit('select', e.detail)}
      @failed=${(e: CustomEvent) => this.emit('failed', e.detail)}></balie-slot-picker>`;
    if (this.channel !== 'counter') return picker;
    if (!this.locations) return html`<p>${this.t.common.loading}</p>`;
    if (this.locations.length === 0) return html`<p class="notice">${this.t.booking.noSlots}</p>`;
    return html`${this.locations.length > 1
        ? html`<fieldset>
            <legend>${this.t.manage.chooseCounter}</legend>
            ${this.locations.map(
              (l) => html`<label class="choice">
                <input type="radio" name="location" .checked=${this.locationId === l.id} @change=${() => this.pickLocation(l.id)} />
                <span>${l.name}<br /><span class="hint">${l.address}</span></span>
              </label>`,
            )}
          </fieldset>`
        : nothing}
      ${this.locationId ? picker : nothing}`;
  }

  private pickLocation(id: string) {
    this.locationId = id;
    // A time chosen at the other counter no longer applies.
    this.emit('select', undefined);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-channel-switch': BalieChannelSwitch;
  }
}
