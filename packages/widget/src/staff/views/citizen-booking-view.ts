import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { Channel, Location, Slot } from '../../api/types.ts';
import { readPhone } from '../../phone-number.ts';
import { loadMessages, resolveLang, supportedLangs, type Lang, type Messages } from '../../i18n/index.ts';
import '../../views/slot-picker.ts';
import { ApiError } from '../api.ts';
import { channelLabel, formatWhen } from '../format.ts';
import type { AdminService, Dossier } from '../types.ts';
import { StaffView } from './staff-view.ts';

interface ChannelChoice {
  channel: Channel;
  locationId: string | null;
  label: string;
}

/**
 * "Afspraak maken voor een burger" (issue 11): a civil servant books for someone who phoned or came
 * to the desk, from the same free slots citizens see (the citizen's own slot picker). The number is
 * checked with libphonenumber-js here (this chunk only) and again by the server.
 */
@customElement('balie-staff-citizen-booking')
export class BalieStaffCitizenBooking extends StaffView {
  @state() private services: AdminService[] = [];
  @state() private locations: Location[] = [];
  @state() private service?: AdminService;
  @state() private choice?: ChannelChoice;
  @state() private chosen?: Slot;
  @state() private errors: Record<string, string> = {};
  @state() private error = '';
  @state() private busy = false;
  /** `to`: where the confirmation went, as the civil servant reads it back to the citizen. */
  @state() private booked?: { dossier: Dossier; to: { email?: string; phone?: string } };
  @state() private pickerTexts?: Messages;
  @state() private pickerKey = 0;

  private get pickerLang(): Lang {
    return resolveLang(this.t.locale);
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.start();
  }

  private async start() {
    try {
      const [services, locations, texts] = await Promise.all([this.api.services(), this.api.locations(), loadMessages(this.pickerLang)]);
      this.services = services.filter((s) => s.active);
      this.locations = locations;
      this.pickerTexts = texts;
      this.pickService(this.services[0]);
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private get choices(): ChannelChoice[] {
    const a = this.t.agenda;
    return (this.service?.channels ?? []).flatMap((channel): ChannelChoice[] =>
      channel === 'counter'
        ? this.locations.map((l) => ({ channel, locationId: l.id, label: channelLabel(a, channel, l.name) }))
        : [{ channel, locationId: null, label: channelLabel(a, channel) }],
    );
  }

  private pickService(service: AdminService | undefined) {
    this.service = service;
    this.choice = this.choices[0];
    this.chosen = undefined;
  }

  private value(name: string) {
    return this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value.trim() ?? '';
  }

  /** The same rules as the server, so the civil servant hears at once what to ask the citizen. */
  private validate(name: string, email: string, phoneText: string, phone: ReturnType<typeof readPhone>) {
    const t = this.t.book;
    const errors: Record<string, string> = {};
    if (!name) errors.name = this.t.errors.required;
    if (phoneText && !phone) errors.phone = t.phoneInvalid;
    else if (!email && !phoneText) errors.email = t.contactNeeded;
    else if (!email && phone && !phone.mobile) errors.phone = t.mobileNeeded;
    else if (this.choice?.channel === 'phone' && !phoneText) errors.phone = t.phoneNeeded;
    return errors;
  }

  /** The server's field messages in the civil servant's language. */
  private serverErrors(error: unknown): Record<string, string> {
    const t = this.t.book;
    const fields = error instanceof ApiError ? error.fields : {};
    const texts = this.fieldTexts(error);
    const errors: Record<string, string> = {};
    for (const [field, message] of Object.entries(fields)) {
      const name = field.replace(/^citizen\./, '');
      if (name === 'phone') errors.phone = /mobile/.test(message) ? t.mobileNeeded : /needs a phone/.test(message) ? t.phoneNeeded : t.phoneInvalid;
      else if (name === 'email' && /or a mobile/.test(message)) errors.email = t.contactNeeded;
      else errors[name] = texts[field]!;
    }
    return errors;
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const [name, email, phoneText] = [this.value('name'), this.value('email'), this.value('phone')];
    const phone = phoneText ? readPhone(phoneText) : undefined;
    this.errors = this.validate(name, email, phoneText, phone);
    this.error = '';
    if (!this.chosen) this.error = this.t.book.chooseTime;
    if (Object.keys(this.errors).length || !this.chosen || !this.service) return this.focusProblem();
    this.busy = true;
    try {
      const dossier = await this.api.bookForCitizen({
        serviceId: this.service.id,
        start: this.chosen.start,
        channel: this.chosen.channel,
        locationId: this.chosen.locationId,
        lang: this.value('lang') as Lang,
        citizen: { name, ...(email ? { email } : {}), ...(phone ? { phone: phone.number } : {}) },
      });
      this.booked = { dossier, to: { ...(email ? { email } : {}), ...(phone ? { phone: phone.text } : {}) } };
      this.announce(this.t.book.done(formatWhen(dossier.start, this.t.locale)));
      await this.focusHeading();
    } catch (error) {
      this.errors = this.serverErrors(error);
      if (error instanceof ApiError && error.code === 'slot_taken') {
        this.error = this.t.book.slotTaken;
        this.chosen = undefined;
        this.pickerKey++;
      } else if (!Object.keys(this.errors).length) this.error = this.errorText(error);
      await this.focusProblem();
    } finally {
      this.busy = false;
    }
  }

  private async focusProblem() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]')?.focus();
  }

  private again() {
    this.booked = undefined;
    this.chosen = undefined;
    this.errors = {};
    this.pickerKey++;
  }

  override render() {
    const t = this.t.book;
    return html`${this.heading(t.title)}
      ${this.booked ? this.renderDone(this.booked) : this.renderForm()}`;
  }

  private renderDone({ dossier, to }: NonNullable<BalieStaffCitizenBooking['booked']>) {
    const t = this.t.book;
    return html`<div class="notice success" role="status" data-booked=${dossier.id}>
        <p>${t.done(formatWhen(dossier.start, this.t.locale))}</p>
        <p>${to.email ? t.sentByMail(to.email) : t.sentBySms(to.phone ?? '')}</p>
      </div>
      <div class="actions">
        <button @click=${() => this.navigate({ view: 'dossier', id: dossier.id })}>${t.openDossier}</button>
        <button class="secondary" @click=${this.again}>${t.another}</button>
      </div>`;
  }

  private renderForm() {
    const t = this.t.book;
    const choice = this.choice;
    return html`<p>${t.intro}</p>
      ${this.error ? html`<p class="notice error-box" role="alert" tabindex="-1">${this.error}</p>` : nothing}
      <form novalidate @submit=${this.submit}>
        <div class="field">
          <label for="book-service">${t.service}</label>
          <select id="book-service" @change=${(e: Event) => this.pickService(this.services[Number((e.target as HTMLSelectElement).value)])}>
            ${this.services.map((s, i) => html`<option value=${i} ?selected=${s === this.service}>${s.texts.nl.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="book-channel">${t.channel}</label>
          <select id="book-channel" @change=${(e: Event) => {
            this.choice = this.choices[Number((e.target as HTMLSelectElement).value)];
            this.chosen = undefined;
          }}>
            ${this.choices.map((c, i) => html`<option value=${i} ?selected=${c.channel === choice?.channel && c.locationId === choice.locationId}>${c.label}</option>`)}
          </select>
        </div>
        ${choice && this.service && this.pickerTexts
          ? html`<fieldset class="box">
              <legend>${t.time}</legend>
              ${keyed(
                `${this.pickerKey}|${this.service.id}`,
                html`<balie-slot-picker .t=${this.pickerTexts} .lang=${this.pickerLang} .server=${this.api.origin}
                  .serviceId=${this.service.id} .channel=${choice.channel} .locationId=${choice.locationId} .selected=${this.chosen?.start}
                  @select=${(e: CustomEvent<Slot>) => (this.chosen = e.detail)}></balie-slot-picker>`,
              )}
            </fieldset>`
          : html`<p>${this.t.common.loading}</p>`}
        <fieldset class="box">
          <legend>${t.citizen}</legend>
          ${this.inputField('book', 'name', t.name, 'text', this.errors)}
          ${this.inputField('book', 'email', t.email, 'email', this.errors, { hint: t.emailHint })}
          ${this.inputField('book', 'phone', t.phone, 'tel', this.errors, { hint: t.phoneHint })}
          <div class="field">
            <label for="book-lang">${t.lang}</label>
            <select id="book-lang" name="lang">
              ${supportedLangs.map((lang) => html`<option value=${lang} ?selected=${lang === this.pickerLang}>${this.t.dossier.languages[lang]}</option>`)}
            </select>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${t.submit}</button>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-citizen-booking': BalieStaffCitizenBooking;
  }
}
