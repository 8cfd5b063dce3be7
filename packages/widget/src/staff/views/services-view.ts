import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localize } from '../../api/types.ts';
import { channelLabel } from '../format.ts';
import { lookups } from '../names.ts';
import type { Account, AdminService } from '../types.ts';
import './service-form.ts';
import { StaffView } from './staff-view.ts';

/** The municipality's services: a table, and a form to create or edit one (beheerder). */
@customElement('balie-staff-services')
export class BalieStaffServices extends StaffView {
  @state() private services?: AdminService[];
  @state() private accounts: Account[] = [];
  @state() private editing?: AdminService | 'new';
  @state() private error = '';
  @state() private status = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      [this.services, this.accounts] = await Promise.all([this.api.services(), this.api.accounts()]);
      this.error = '';
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  private async edit(service: AdminService | 'new' | undefined) {
    this.editing = service;
    this.status = '';
    await this.updateComplete;
    if (service) await this.renderRoot.querySelector('balie-staff-service-form')?.focusHeading();
    else this.renderRoot.querySelector<HTMLElement>('[data-view-heading]')?.focus();
  }

  private async saved(service: AdminService, created: boolean) {
    const name = localize(service.texts, 'nl').name;
    this.status = created ? this.t.services.created(name) : this.t.services.updated(name);
    this.announce(this.status);
    await this.load();
    await this.edit(undefined);
  }

  override render() {
    if (this.editing) {
      return html`<balie-staff-service-form .t=${this.t} .api=${this.api} .me=${this.me}
        .service=${this.editing === 'new' ? undefined : this.editing} .accounts=${this.accounts} .services=${this.services ?? []}
        @saved=${(e: CustomEvent<{ service: AdminService; created: boolean }>) => this.saved(e.detail.service, e.detail.created)}
        @close=${() => this.edit(undefined)}
        @navigate=${(e: CustomEvent) => this.emit('navigate', e.detail)}></balie-staff-service-form>`;
    }
    const t = this.t.services;
    return html`${this.heading(t.title)}
      ${this.status ? html`<p class="notice success">${this.status}</p>` : nothing}
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      <div class="actions"><button @click=${() => this.edit('new')}>${t.create}</button></div>
      ${this.services ? this.renderTable(this.services) : html`<p>${this.t.common.loading}</p>`}`;
  }

  private renderTable(services: AdminService[]) {
    const t = this.t.services;
    const a = this.t.agenda;
    const names = lookups(services, this.accounts);
    return html`<div class="table-wrap">
      <table>
        <caption class="visually-hidden">${t.title}</caption>
        <thead>
          <tr>
            <th scope="col">${t.columns.name}</th>
            <th scope="col">${t.columns.duration}</th>
            <th scope="col">${t.columns.channels}</th>
            <th scope="col">${t.columns.staff}</th>
            <th scope="col">${t.columns.active}</th>
            <th scope="col"><span class="visually-hidden">${a.columns.actions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${services.map((s) => {
            const name = localize(s.texts, 'nl').name;
            return html`<tr data-service=${s.id}>
              <th scope="row">${name}<br /><span class="muted">${s.id}</span></th>
              <td>${t.minutes(s.durationMin)}</td>
              <td>${s.channels.map((c) => channelLabel(a, c)).join(', ')}</td>
              <td>${s.staffIds.map(names.staff).join(', ') || this.t.common.none}</td>
              <td>${s.active ? this.t.common.yes : this.t.common.no}</td>
              <td><button class="secondary small" aria-label=${t.editLabel(name)} @click=${() => this.edit(s)}>${this.t.common.edit}</button></td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-services': BalieStaffServices;
  }
}
