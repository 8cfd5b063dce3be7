import { css, html, nothing } from 'lit';
import type { Channel, Slot } from '../api/types.ts';
import { formatDate, localDate } from '../i18n/index.ts';
import { BalieView } from './balie-view.ts';

const PAGE_DAYS = 14;

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * Accessible slot picker: one radio group, a fieldset per day whose legend is the full date, and
 * every radio labelled with its full date and time. Native radios give arrow-key navigation.
 */
export class BalieSlotPicker extends BalieView {
  static override properties = {
    serviceId: {},
    channel: {},
    locationId: {},
    selected: {},
    from: { state: true },
    slots: { state: true },
    error: { state: true },
  };

  static override styles = [
    ...BalieView.styles,
    css`
      .days {
        display: grid;
        gap: var(--_space);
      }
      .slots {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
      }
      .slots .choice {
        margin: 0;
        align-items: center;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  serviceId = '';
  channel: Channel = 'video';
  locationId: string | null = null;
  /** Start of the chosen slot. */
  selected?: string;

  private from?: string;
  private slots?: Slot[];
  private error = '';

  private firstFrom?: string;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('serviceId') || changed.has('channel') || changed.has('locationId')) {
      this.from = undefined;
      this.firstFrom = undefined;
      void this.load();
    }
  }

  private async load(from?: string) {
    this.slots = undefined;
    this.error = '';
    try {
      this.slots = await this.api.listSlots(this.serviceId, {
        channel: this.channel,
        ...(this.locationId ? { location: this.locationId } : {}),
        ...(from ? { from } : {}),
        days: PAGE_DAYS,
      });
      this.from = from ?? (this.slots[0] ? localDate(this.slots[0].start) : undefined);
      this.firstFrom ??= this.from;
    } catch (error) {
      this.error = this.fail(error);
    }
  }

  private page(direction: 1 | -1) {
    const base = this.from ?? localDate(new Date().toISOString());
    void this.load(addDays(base, direction * PAGE_DAYS));
  }

  override render() {
    const t = this.t;
    if (this.error) return html`<p class="notice error-box" role="alert">${this.error}</p><button class="secondary" @click=${() => this.load(this.from)}>${t.common.retry}</button>`;
    if (!this.slots) return html`<p>${t.common.loading}</p>`;
    const byDay = new Map<string, Slot[]>();
    for (const slot of this.slots) {
      const day = localDate(slot.start);
      byDay.set(day, [...(byDay.get(day) ?? []), slot]);
    }
    return html`
      ${byDay.size === 0 ? html`<p class="notice">${t.booking.noSlots}</p>` : nothing}
      <div class="days">
        ${[...byDay.values()].map(
          (slots) => html`<fieldset>
            <legend>${formatDate(slots[0]!.start, t, 'day')}</legend>
            <div class="slots">
              ${slots.map(
                (slot) => html`<label class="choice">
                  <input
                    type="radio"
                    name="slot"
                    .value=${slot.start}
                    .checked=${slot.start === this.selected}
                    aria-label=${t.booking.slotLabel(formatDate(slot.start, t, 'day'), formatDate(slot.start, t, 'time'))}
                    @change=${() => this.choose(slot)}
                  />
                  <span aria-hidden="true">${formatDate(slot.start, t, 'time')}</span>
                </label>`,
              )}
            </div>
          </fieldset>`,
        )}
      </div>
      <div class="actions">
        ${this.from && this.firstFrom && this.from > this.firstFrom
          ? html`<button class="secondary" @click=${() => this.page(-1)}>${t.booking.earlierDays}</button>`
          : nothing}
        <button class="secondary" @click=${() => this.page(1)}>${t.booking.laterDays}</button>
      </div>
    `;
  }

  private choose(slot: Slot) {
    this.selected = slot.start;
    this.emit('select', slot);
  }
}
customElements.define('balie-slot-picker', BalieSlotPicker);

declare global {
  interface HTMLElementTagNameMap {
    'balie-slot-picker': BalieSlotPicker;
  }
}
