import { html, nothing } from 'lit';
import { ApiError } from '../api/client.ts';
import { localize, type AppointmentView, type Channel, type Location, type PublicConfig, type Service, type Slot } from '../api/types.ts';
import { formatDate } from '../i18n/index.ts';
import { BalieBookingRequestedEvent } from '../events/booking-requested.ts';
import { BalieView } from './balie-view.ts';
import type { BookingDetails } from './booking-form.ts';
import { privacyNotice } from './privacy-notice.ts';
import './slot-picker.ts';

type Step = 'service' | 'channel' | 'time' | 'details' | 'review' | 'done';
type ChannelChoice = { channel: Channel; locationId: string | null };

/** The booking journey: service → channel or location → time → details → review → confirmed. */
export class BalieBookingView extends BalieView {
  static override properties = {
    serviceId: {},
    step: { state: true },
    services: { state: true },
    service: { state: true },
    locations: { state: true },
    choices: { state: true },
    choice: { state: true },
    chosenSlot: { state: true },
    details: { state: true },
    fieldErrors: { state: true },
    error: { state: true },
    alternatives: { state: true },
    busy: { state: true },
    booked: { state: true },
    config: { state: true },
  };

  /** Preselected service: the service step is skipped. */
  serviceId?: string;

  private step: Step = 'service';
  private services?: Service[];
  private service?: Service;
  private locations: Location[] = [];
  private choices?: ChannelChoice[];
  private choice?: ChannelChoice;
  private chosenSlot?: Slot;
  private details?: BookingDetails;
  private fieldErrors: Record<string, string> = {};
  private error = '';
  private alternatives: Slot[] = [];
  private busy = false;
  private booked?: { token: string; appointment: AppointmentView };
  /** RETENTION_DAYS and PRIVACY_URL for the privacy notice; the notice still shows without them. */
  private config?: PublicConfig;

  override connectedCallback() {
    super.connectedCallback();
    void this.start();
  }

  private async start() {
    void this.api.getConfig().then(
      (config) => (this.config = config),
      () => undefined,
    );
    try {
      // A preset service's free times are asked for at once with the service and the locations: on a
      // slow line requests one after the other cost the first step a round trip each.
      const slots = this.serviceId ? this.api.listSlots(this.serviceId, { days: 42 }) : undefined;
      slots?.catch(() => undefined); // its failure, if any, is reported by pickService
      const [locations, service, services] = await Promise.all([
        this.api.listLocations(),
        this.serviceId ? this.api.getService(this.serviceId) : undefined,
        this.serviceId ? undefined : this.api.listServices(),
      ]);
      this.locations = locations;
      if (service) await this.pickService(service, slots);
      else this.services = services;
    } catch (error) {
      this.error = this.fail(error);
    }
    await this.updateComplete;
    this.loadForm().catch(() => undefined); // tried again when the citizen needs it
  }

  /**
   * The details form is a chunk of its own: not needed before the first step is on screen, so it is
   * fetched then (see start), and waited for only if the citizen gets there first.
   */
  private form?: Promise<unknown>;
  private loadForm() {
    this.form ??= import('./booking-form.ts').catch((error: unknown) => {
      this.form = undefined;
      throw error;
    });
    return this.form;
  }

  private go(step: Step) {
    if (step === 'details' && !customElements.get('balie-booking-form')) {
      this.loadForm().then(
        () => this.go(step),
        (error: unknown) => (this.error = this.fail(error)),
      );
      return;
    }
    this.step = step;
    void this.focusHeading();
  }

  private async pickService(service: Service, asked = this.api.listSlots(service.id, { days: 42 })) {
    this.service = service;
    this.error = '';
    // Offer only the channels and locations that have free times, so no choice leads nowhere.
    const slots = await asked;
    const seen = new Map<string, ChannelChoice>();
    for (const s of slots) seen.set(`${s.channel}|${s.locationId ?? ''}`, { channel: s.channel, locationId: s.locationId });
    this.choices = [...seen.values()].sort((a, b) => (a.channel === 'video' ? -1 : b.channel === 'video' ? 1 : 0));
    if (this.choices.length === 1) {
      this.choice = this.choices[0];
      this.go('time');
    } else this.go('channel');
  }

  private locationName(id: string | null) {
    const location = this.locations.find((l) => l.id === id);
    return location ? `${location.name}, ${location.address}` : '';
  }

  private choiceLabel(c: ChannelChoice) {
    if (c.channel === 'phone') return this.t.booking.phoneChannel;
    return c.channel === 'video' ? this.t.booking.video : this.t.booking.counter(this.locationName(c.locationId));
  }

  private async confirm(consent: boolean) {
    if (!consent) {
      this.error = this.t.errors.consent;
      return;
    }
    this.busy = true;
    this.error = '';
    this.announce(this.t.booking.booking);
    try {
      const slot = this.chosenSlot!;
      // The host page's say before anything is sent: it may add its own data, hold the booking for
      // its identity check or payment, or stop it (the citizen keeps everything they filled in).
      const request = new BalieBookingRequestedEvent({
        serviceId: this.service!.id,
        start: slot.start,
        end: slot.end,
        channel: slot.channel,
        locationId: slot.locationId,
        companions: this.details!.companion ? 1 : 0,
        metadata: {},
      });
      this.emit('requested', request);
      if (!(await request.allowed())) {
        this.error = this.t.errors.notBooked;
        this.announce(this.t.errors.notBooked);
        return;
      }
      const metadata = Object.fromEntries(Object.entries(request.detail.metadata ?? {}).map(([key, value]) => [key, String(value)]));
      this.booked = await this.api.book({
        serviceId: this.service!.id,
        start: slot.start,
        channel: slot.channel,
        locationId: slot.locationId,
        lang: this.lang,
        ...this.details!,
        consent,
        returnUrl: globalThis.location?.href,
        ...(Object.keys(metadata).length ? { metadata } : {}),
      });
      const a = this.booked.appointment;
      this.emit('booked', {
        token: this.booked.token,
        detail: { appointmentId: a.id, serviceId: a.serviceId, start: a.start, end: a.end, channel: a.channel, locationId: a.location?.id ?? null, companions: a.companions.length },
      });
      this.go('done');
    } catch (error) {
      this.handleBookingError(error);
    } finally {
      this.busy = false;
    }
  }

  private handleBookingError(error: unknown) {
    const message = this.fail(error);
    if (error instanceof ApiError && error.code === 'slot_taken') {
      this.alternatives = (error.details.alternatives as Slot[] | undefined) ?? [];
      this.chosenSlot = undefined;
      this.error = message;
      this.go('time');
    } else if (error instanceof ApiError && (error.status === 422 || error.status === 400) && Object.keys(error.fields).some((field) => !field.startsWith('metadata'))) {
      this.fieldErrors = Object.fromEntries(Object.entries(error.fields).map(([field, reason]) => [field, this.fieldText(field, reason)]));
      this.go('details');
    } else this.error = message;
  }

  private heading(text: string, step: number) {
    return html`<p class="hint">${this.t.common.stepOf(step, 5)}</p>
      <h2 tabindex="-1" data-step-heading>${text}</h2>`;
  }

  override render() {
    const t = this.t.booking;
    const errorBox = this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing;
    switch (this.step) {
      case 'service':
        return html`${this.heading(t.chooseService, 1)} ${errorBox}
          ${this.services
            ? html`<div role="list">
                ${this.services.map(
                  (s) => html`<div role="listitem" class="choice">
                    <div>
                      <button class="link" @click=${() => this.pickService(s).catch((e) => (this.error = this.fail(e)))}>${localize(s.texts, this.lang).name}</button>
                      <p class="hint">${localize(s.texts, this.lang).description}</p>
                    </div>
                  </div>`,
                )}
              </div>`
            : this.error ? nothing : html`<p>${this.t.common.loading}</p>`}`;
      case 'channel':
        return html`${this.heading(t.chooseChannel, 1)} ${errorBox}
          <fieldset>
            <legend>${localize(this.service!.texts, this.lang).name}</legend>
            ${this.choices!.map(
              (c) => html`<label class="choice">
                <input type="radio" name="channel" .checked=${this.choice === c} @change=${() => (this.choice = c)} />
                <span>${this.choiceLabel(c)}${c.channel === 'counter' ? nothing : html`<br /><span class="hint">${c.channel === 'video' ? t.videoHint : t.phoneChannelHint}</span>`}</span>
              </label>`,
            )}
          </fieldset>
          <div class="actions">
            ${this.serviceId ? nothing : html`<button class="secondary" @click=${() => this.go('service')}>${this.t.common.back}</button>`}
            <button ?disabled=${!this.choice} @click=${() => this.go('time')}>${this.t.common.next}</button>
          </div>`;
      case 'time':
        return html`${this.heading(t.chooseTime, 2)} ${errorBox}
          <p class="hint">${t.duration(this.service!.durationMin)}</p>
          ${this.alternatives.length
            ? html`<div class="notice"><p>${this.t.errors.alternatives}</p>
                <div class="actions">${this.alternatives.map((a) => html`<button class="secondary" @click=${() => this.pickSlot(a, 'review')}>${formatDate(a.start, this.t)}</button>`)}</div></div>`
            : nothing}
          <balie-slot-picker
            .t=${this.t}
            .lang=${this.lang}
            .server=${this.server}
            .serviceId=${this.service!.id}
            .channel=${this.choice!.channel}
            .locationId=${this.choice!.locationId}
            .selected=${this.chosenSlot?.start}
            @select=${(e: CustomEvent<Slot>) => this.pickSlot(e.detail)}
            @failed=${(e: CustomEvent) => this.emit('failed', e.detail)}
          ></balie-slot-picker>
          <div class="actions">
            <button class="secondary" @click=${() => this.go(this.choices!.length > 1 ? 'channel' : 'service')}>${this.t.common.back}</button>
            <button ?disabled=${!this.chosenSlot} @click=${() => this.go(this.details ? 'review' : 'details')}>${this.t.common.next}</button>
          </div>`;
      case 'details':
        return html`${this.heading(t.yourDetails, 3)} ${errorBox}
          <balie-booking-form
            .t=${this.t}
            .lang=${this.lang}
            .service=${this.service}
            .value=${this.details}
            .errors=${this.fieldErrors}
            ?phoneRequired=${this.choice?.channel === 'phone'}
            ?textOption=${this.choice?.channel === 'video'}
            @back=${() => this.go('time')}
            @details=${(e: CustomEvent<BookingDetails>) => {
              this.details = e.detail;
              this.fieldErrors = {};
              this.go('review');
            }}
          ></balie-booking-form>`;
      case 'review':
        return this.renderReview(errorBox);
      case 'done':
        return this.renderDone();
    }
  }

  private pickSlot(slot: Slot, next?: Step) {
    this.chosenSlot = slot;
    this.error = '';
    if (next) {
      this.alternatives = [];
      this.go(next);
    }
  }

  private summary() {
    const t = this.t.booking;
    return html`<dl class="summary">
      <dt>${t.summaryService}</dt><dd>${localize(this.service!.texts, this.lang).name}</dd>
      <dt>${t.summaryWhen}</dt><dd>${formatDate(this.chosenSlot!.start, this.t)}</dd>
      <dt>${t.summaryWhere}</dt><dd>${this.choiceLabel(this.chosenSlot!)}</dd>
      <dt>${t.summaryName}</dt><dd>${this.details!.citizen.name}</dd>
      ${this.details!.companion ? html`<dt>${t.summaryCompanion}</dt><dd>${this.details!.companion.name} (${t.roles[this.details!.companion.role]})</dd>` : nothing}
      ${this.details!.prefersText ? html`<dt>${this.t.rtt.title}</dt><dd>${this.t.rtt.prefer}</dd>` : nothing}
    </dl>`;
  }

  private renderReview(errorBox: unknown) {
    const t = this.t.booking;
    return html`${this.heading(t.review, 4)} ${errorBox} ${this.summary()}
      <form novalidate @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        void this.confirm((e.target as HTMLFormElement).consent.checked);
      }}>
        ${privacyNotice(t, this.config)}
        <label class="choice"><input type="checkbox" name="consent" required aria-describedby="privacy-notice" /> <span>${t.consent}</span></label>
        <div class="actions">
          <button type="button" class="secondary" @click=${() => this.go('details')}>${this.t.common.back}</button>
          <button type="submit" ?disabled=${this.busy}>${this.busy ? t.booking : t.confirm}</button>
        </div>
      </form>`;
  }

  private renderDone() {
    const t = this.t.booking;
    const documents = this.service!.requiredDocuments;
    return html`<div class="notice success">${this.heading(t.confirmed, 5)}</div>
      ${this.summary()}
      <p>${t.confirmedText(this.details!.citizen.email)}</p>
      ${documents.length
        ? html`<p>${t.bring}</p>
            <ul>${documents.map((d) => html`<li>${localize(d.texts, this.lang).label}</li>`)}</ul>`
        : nothing}
      <div class="actions">
        <button @click=${() => this.emit('manage', { token: this.booked!.token })}>${t.manage}</button>
      </div>`;
  }
}
customElements.define('balie-booking-view', BalieBookingView);

declare global {
  interface HTMLElementTagNameMap {
    'balie-booking-view': BalieBookingView;
  }
}
