import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type BalieApi } from '../api/client.ts';
import { localize, type AppointmentView, type Channel, companionRoles, type CompanionRole, type Slot } from '../api/types.ts';
import { formatDate, whereText } from '../i18n/index.ts';
import { BalieView } from './balie-view.ts';
import './channel-switch.ts';
import './documents-panel.ts';
import './slot-picker.ts';
import type { Messages } from '../i18n/messages.ts';
import { nl } from '../i18n/nl.ts';

type Mode = 'view' | 'confirm-cancel' | 'reschedule' | 'switch-channel' | 'add-companion';

/** The channels a citizen can switch between from the link (a phone call-back is arranged elsewhere). */
const switchable = ['video', 'counter'] as const satisfies Channel[];
type SwitchableChannel = (typeof switchable)[number];

/**
 * The appointment behind a personal link: see it, cancel, move it to another time, switch between a
 * video call and the counter, invite or remove a companion.
 */
@customElement('balie-manage-view')
export class BalieManageView extends BalieView {
  /** Every text: this view is outside the booking journey (see BalieView). */
  override t: Messages = nl;

  /** The personal link token. */
  @property() token = '';
  /** `toestel`: opened from the device-test link, go straight to the device check. */
  @property() step?: string;

  @state() private appointment?: AppointmentView;
  @state() private mode: Mode = 'view';
  @state() private error = '';
  @state() private done = '';
  @state() private newSlot?: Slot;
  @state() private busy = false;
  @state() private companionErrors: Record<string, string> = {};
  /** The other channels this service has free times on: each gets a "Liever …" button. */
  @state() private otherChannels: SwitchableChannel[] = [];
  @state() private switchTo?: SwitchableChannel;

  protected override get api(): BalieApi {
    return super.api.withToken(this.token);
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.appointment = await this.api.getAppointment();
      // Reached from the booking confirmation: the new view's heading takes focus (only then).
      void this.focusHeading();
      if (this.step === 'toestel' && this.appointment.channel === 'video') this.emit('device-test', this.appointment);
    } catch (error) {
      this.error = this.fail(error);
      return;
    }
    void this.findOtherChannels();
  }

  /** Offers a switch only to a channel with free times, so the button never leads nowhere. */
  private async findOtherChannels() {
    const a = this.appointment!;
    if (a.role !== 'citizen' || a.status !== 'booked') return;
    try {
      const offered = new Set((await this.api.listSlots(a.serviceId, { days: 42 })).map((s) => s.channel));
      this.otherChannels = switchable.filter((c) => c !== a.channel && offered.has(c));
    } catch {
      // Without the list the citizen can still move the time or cancel; the switch just isn't offered.
      this.otherChannels = [];
    }
  }

  private setMode(mode: Mode) {
    this.mode = mode;
    this.error = '';
    this.newSlot = undefined;
    void this.focusHeading();
  }

  /** Runs an action with a busy state; shows and announces the outcome. */
  private async act(run: () => Promise<string>) {
    this.busy = true;
    this.error = '';
    try {
      this.done = await run();
      this.announce(this.done);
      this.setMode('view');
    } catch (error) {
      this.error = this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private cancel = () =>
    this.act(async () => {
      await this.api.cancel();
      const a = this.appointment!;
      this.appointment = { ...a, status: 'cancelled' };
      this.emit('cancelled', a);
      return this.t.manage.cancelledText;
    });

  private reschedule = () =>
    this.act(async () => {
      const previous = this.appointment!;
      this.appointment = await this.api.reschedule(this.newSlot!);
      const a = this.appointment;
      this.emit('rescheduled', { appointmentId: a.id, serviceId: a.serviceId, previousStart: previous.start, start: a.start, end: a.end, channel: a.channel, locationId: a.location?.id ?? null });
      return this.t.manage.rescheduledText(formatDate(a.start, this.t));
    });

  private switchChannel = () =>
    this.act(async () => {
      const previous = this.appointment!;
      const slot = this.newSlot!;
      this.appointment = await this.api.reschedule(slot);
      const a = this.appointment;
      this.emit('rescheduled', { appointmentId: a.id, serviceId: a.serviceId, previousStart: previous.start, start: a.start, end: a.end, channel: a.channel, locationId: a.location?.id ?? null });
      void this.findOtherChannels();
      const when = formatDate(a.start, this.t);
      return a.location ? this.t.manage.switched.counter(when, `${a.location.name}, ${a.location.address}`) : this.t.manage.switched.video(when);
    });

  private addCompanion(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const errors: Record<string, string> = {};
    if (!String(data.get('name') ?? '').trim()) errors.name = this.t.errors.required;
    if (!(form.elements.namedItem('email') as HTMLInputElement).validity.valid) errors.email = this.t.errors.email;
    this.companionErrors = errors;
    if (Object.keys(errors).length) return;
    void this.act(async () => {
      const companion = await this.api
        .addCompanion({
          name: String(data.get('name')).trim(),
          email: String(data.get('email')).trim(),
          role: data.get('role') as CompanionRole,
        })
        .catch((error: unknown) => {
          // A name or address the server refused (a link in the name…) is shown at its field.
          if (error instanceof ApiError && error.status === 422) {
            this.companionErrors = Object.fromEntries(Object.entries(error.fields).map(([field, reason]) => [field, this.fieldText(field, reason)]));
          }
          throw error;
        });
      this.appointment = { ...this.appointment!, companions: [...this.appointment!.companions, companion] };
      return this.t.manage.companionAdded(companion.name);
    });
  }

  private removeCompanion(id: string, name: string) {
    void this.act(async () => {
      await this.api.removeCompanion(id);
      this.appointment = { ...this.appointment!, companions: this.appointment!.companions.filter((c) => c.id !== id) };
      return this.t.manage.companionRemoved(name);
    });
  }

  override render() {
    const t = this.t.manage;
    const a = this.appointment;
    const errorBox = this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing;
    if (!a) return html`<h2 tabindex="-1" data-step-heading>${t.title}</h2>${errorBox}${this.error ? nothing : html`<p>${this.t.common.loading}</p>`}`;
    const canChange = a.role === 'citizen' && a.status === 'booked';
    const where = whereText(this.t, a.location);

    if (this.mode === 'reschedule') {
      return html`<h2 tabindex="-1" data-step-heading>${this.t.booking.chooseTime}</h2>${errorBox}
        <balie-slot-picker .t=${this.t} .lang=${this.lang} .server=${this.server} .serviceId=${a.serviceId} .channel=${a.channel}
          .locationId=${a.location?.id ?? null} @select=${(e: CustomEvent<Slot>) => (this.newSlot = e.detail)}></balie-slot-picker>
        <div class="actions">
          <button class="secondary" @click=${() => this.setMode('view')}>${this.t.common.back}</button>
          <button ?disabled=${!this.newSlot || this.busy} @click=${this.reschedule}>${this.newSlot ? t.rescheduleConfirm(formatDate(this.newSlot.start, this.t)) : t.reschedule}</button>
        </div>`;
    }

    if (this.mode === 'switch-channel' && this.switchTo) {
      return html`<h2 tabindex="-1" data-step-heading>${t.switchTo[this.switchTo]}</h2>${errorBox}
        <balie-channel-switch .t=${this.t} .lang=${this.lang} .server=${this.server} .serviceId=${a.serviceId} .channel=${this.switchTo}
          @select=${(e: CustomEvent<Slot | undefined>) => (this.newSlot = e.detail)}></balie-channel-switch>
        <div class="actions">
          <button class="secondary" @click=${() => this.setMode('view')}>${this.t.common.back}</button>
          <button ?disabled=${!this.newSlot || this.busy} @click=${this.switchChannel}>${this.newSlot ? t.switchConfirm(formatDate(this.newSlot.start, this.t)) : t.switchTo[this.switchTo]}</button>
        </div>`;
    }

    return html`<h2 tabindex="-1" data-step-heading>${t.title}</h2>
      ${a.role === 'companion' ? html`<p>${t.companionView(a.citizenName)}</p>` : nothing}
      ${this.done ? html`<p class="notice success">${this.done}</p>` : nothing} ${errorBox}
      <dl class="summary">
        <dt>${this.t.booking.summaryService}</dt><dd>${localize(a.service.texts, this.lang).name}</dd>
        <dt>${this.t.booking.summaryWhen}</dt><dd>${formatDate(a.start, this.t)}</dd>
        <dt>${this.t.booking.summaryWhere}</dt><dd>${where}</dd>
        <dt>Status</dt><dd data-status=${a.status}>${t.status[a.status]}</dd>
      </dl>
      ${a.status === 'booked' && a.service.requiredDocuments.length
        ? html`<p>${t.bring}</p><ul>${a.service.requiredDocuments.map((d) => html`<li>${localize(d.texts, this.lang).label}</li>`)}</ul>`
        : nothing}
      ${a.status === 'cancelled'
        ? nothing
        : html`<balie-documents-panel .t=${this.t} .lang=${this.lang} .server=${this.server}
            .access=${{ kind: 'link', appointmentId: a.id, token: this.token }} ?readonly=${a.status !== 'booked'}
            @announce=${(e: CustomEvent<string>) => this.announce(e.detail)}></balie-documents-panel>`}
      ${a.status === 'booked' && a.channel === 'video'
        ? html`<div class="actions">
            <button @click=${() => this.emit('join', a)}>${this.t.meeting.join}</button>
            <button class="secondary" @click=${() => this.emit('device-test', a)}>${this.t.meeting.testDevices}</button>
          </div>`
        : nothing}
      ${a.status === 'booked' ? this.renderCompanions(a, canChange) : nothing}
      ${this.mode === 'confirm-cancel'
        ? html`<div class="notice" role="alertdialog" aria-labelledby="cancel-q">
            <p id="cancel-q" tabindex="-1" data-step-heading>${t.cancelConfirm}</p>
            <div class="actions">
              <button ?disabled=${this.busy} @click=${this.cancel}>${t.cancelYes}</button>
              <button class="secondary" @click=${() => this.setMode('view')}>${t.cancelNo}</button>
            </div>
          </div>`
        : canChange
          ? html`<div class="actions">
              <button class="secondary" @click=${() => this.setMode('reschedule')}>${t.reschedule}</button>
              ${this.otherChannels.map(
                (c) => html`<button class="secondary" @click=${() => {
                  this.switchTo = c;
                  this.setMode('switch-channel');
                }}>${t.switchTo[c]}</button>`,
              )}
              <button class="secondary" @click=${() => this.setMode('confirm-cancel')}>${t.cancel}</button>
            </div>`
          : nothing}`;
  }

  private renderCompanions(a: AppointmentView, canChange: boolean) {
    const t = this.t.manage;
    return html`<h3>${t.companions}</h3>
      ${a.companions.length
        ? html`<ul>${a.companions.map(
            (c) => html`<li>${c.name} (${this.t.booking.roles[c.role]})
              ${canChange ? html`<button class="link" @click=${() => this.removeCompanion(c.id, c.name)}>${t.removeCompanion(c.name)}</button>` : nothing}</li>`,
          )}</ul>`
        : html`<p>${t.noCompanions}</p>`}
      ${canChange && this.mode === 'add-companion'
        ? html`<form novalidate @submit=${this.addCompanion}>
            <h3 tabindex="-1" data-step-heading>${t.addCompanion}</h3>
            ${(['name', 'email'] as const).map(
              (f) => html`<div class="field">
                <label for="companion-${f}">${f === 'name' ? this.t.booking.companionName : this.t.booking.companionEmail}</label>
                <input id="companion-${f}" name=${f} type=${f === 'email' ? 'email' : 'text'} required maxlength="254"
                  aria-invalid=${this.companionErrors[f] ? 'true' : 'false'} aria-describedby="companion-${f}-error" />
                ${this.companionErrors[f] ? html`<p class="error" id="companion-${f}-error">${this.companionErrors[f]}</p>` : nothing}
              </div>`,
            )}
            <div class="field">
              <label for="companion-role">${this.t.booking.companionRole}</label>
              <select id="companion-role" name="role">${companionRoles.map((r) => html`<option value=${r}>${this.t.booking.roles[r]}</option>`)}</select>
            </div>
            <div class="actions">
              <button type="button" class="secondary" @click=${() => this.setMode('view')}>${this.t.common.back}</button>
              <button type="submit" ?disabled=${this.busy}>${t.save}</button>
            </div>
          </form>`
        : canChange && a.companions.length < 2 && this.mode === 'view'
          ? html`<button class="secondary" @click=${() => this.setMode('add-companion')}>${t.addCompanion}</button>`
          : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-manage-view': BalieManageView;
  }
}
