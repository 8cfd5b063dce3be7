import type { StaffBookingInput } from '@digitale-balie/contract';
import type { BookingService, SlotChoice } from '../booking/service.ts';
import type { BookingStore } from '../booking/store.ts';
import type { EventBus } from '../events.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { StaffAgenda } from './agenda.ts';
import type { StaffAppointmentsStore } from './appointments-store.ts';
import type { StaffAccount } from './identity.ts';

/** What staff do with one appointment: write notes, cancel, plan a follow-up, record the outcome. */
export function staffDossier(deps: {
  agenda: StaffAgenda;
  store: StaffAppointmentsStore;
  bookings: BookingStore;
  booking: BookingService;
  events: EventBus;
  now: () => Date;
}) {
  const { agenda, store, booking, events } = deps;

  const requireAppointment = async (id: string) => {
    const appointment = await deps.bookings.get(id);
    if (!appointment) throw notFound('This appointment');
    return appointment;
  };

  /** Held and no-show are facts about the past: refused before the start and for a closed one. */
  async function recordOutcome(actor: StaffAccount, id: string, outcome: 'held' | 'no-show') {
    const appointment = await requireAppointment(id);
    const now = deps.now();
    if (appointment.status !== 'booked') throw new HttpError(409, 'not_booked', `This appointment is ${appointment.status.replace('_', '-')}, not booked.`);
    if (Date.parse(appointment.startAt) > now.getTime()) throw new HttpError(409, 'not_started', 'This appointment has not started yet.');
    const mark = outcome === 'held' ? store.markHeld : store.markNoShow;
    if (!(await mark(id, now.toISOString(), actor.id))) throw new HttpError(409, 'not_booked', 'This appointment is no longer booked.');
    events.emit('appointment.updated', { appointmentId: id, staffId: appointment.staffId, change: outcome });
    return agenda.dossier(id);
  }

  return {
    async updateNotes(actor: StaffAccount, id: string, patch: { notes?: string | null | undefined; nextSteps?: string | null | undefined }) {
      const appointment = await requireAppointment(id);
      await store.setNotes(id, actor.id, patch);
      events.emit('appointment.updated', { appointmentId: id, staffId: appointment.staffId, change: 'notes' });
      return agenda.dossier(id);
    },

    async cancel(actor: StaffAccount, id: string, message: string) {
      await booking.cancelByStaff(id, actor.id, message);
      return agenda.dossier(id);
    },

    /** Same rules as a citizen's booking: an offered slot, claimed through the database constraint. */
    async followUp(actor: StaffAccount, id: string, input: SlotChoice & { serviceId?: string | undefined; note?: string | undefined }) {
      const original = await requireAppointment(id);
      const { serviceId, note, ...choice } = input;
      const planned = await booking.planFollowUp(original, { ...choice, serviceId: serviceId ?? original.serviceId }, { staffId: original.staffId, note });
      await store.linkFollowUp(planned.id, original.id);
      return agenda.dossier(planned.id);
    },

    /** Staff book for a citizen (help by phone): marked as booked by `actor` in the dossier and webhooks. */
    async bookForCitizen(actor: StaffAccount, input: StaffBookingInput) {
      return agenda.dossier((await booking.bookForCitizen(actor.id, input)).id);
    },

    markHeld: (actor: StaffAccount, id: string) => recordOutcome(actor, id, 'held'),
    markNoShow: (actor: StaffAccount, id: string) => recordOutcome(actor, id, 'no-show'),
  };
}

export type StaffDossier = ReturnType<typeof staffDossier>;
