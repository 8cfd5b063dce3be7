import { html } from 'lit';
import { ApiError } from '../api.ts';
import { channelLabel, formatWhen } from '../format.ts';
import type { StaffMessages } from '../i18n/index.ts';
import type { Lookups } from '../names.ts';
import type { AffectedAppointment } from '../types.ts';

/** The appointments a refused change (409 `appointments_affected`) would strand, or undefined. */
export function affectedBy(error: unknown): AffectedAppointment[] | undefined {
  if (!(error instanceof ApiError) || error.code !== 'appointments_affected') return undefined;
  return (error.details.appointments as AffectedAppointment[] | undefined) ?? [];
}

/**
 * Shows why the server refused a change: each booked appointment that stands in the way, with a
 * way to open it, so the beheerder can move or cancel it first.
 */
export function renderAffected(
  t: StaffMessages,
  appointments: AffectedAppointment[],
  names: Lookups,
  open: (id: string) => void,
) {
  const a = t.agenda;
  return html`<div class="notice error-box" role="alert" data-affected>
    <h3>${t.affected.title}</h3>
    <p>${t.affected.intro(appointments.length)}</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">${t.affected.when}</th>
            <th scope="col">${a.columns.service}</th>
            <th scope="col">${a.columns.staff}</th>
            <th scope="col">${a.columns.where}</th>
            <th scope="col">${a.columns.citizen}</th>
            <th scope="col"><span class="visually-hidden">${a.columns.actions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${appointments.map(
            (item) => html`<tr>
              <th scope="row">${formatWhen(item.start, t.locale, 'short')}</th>
              <td>${names.service(item.serviceId)}</td>
              <td>${names.staff(item.staffId)}</td>
              <td>${channelLabel(a, item.channel)}</td>
              <td>${item.citizenFirstName}</td>
              <td>
                <button class="secondary small" aria-label=${a.openLabel(item.citizenFirstName, formatWhen(item.start, t.locale, 'short'))}
                  @click=${() => open(item.id)}>${a.open}</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </div>`;
}
