import type { LinkHolder, BookingService } from '../booking/service.ts';
import type { Appointment } from '../booking/store.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { HttpError } from '../http/errors.ts';
import { fallbackChannel, type DeviceFallback } from './schemas.ts';
import { fallbackStore } from './store.ts';

/**
 * A way forward when the device test fails (issue 11): go on with audio only, be called on the phone
 * at the same time, or come to the counter. Each is recorded on the appointment so staff see the
 * flag in the agenda and dossier, and announced as `appointment.device-fallback`.
 */
export function deviceFallbackService(deps: { booking: BookingService; db: Db; events: EventBus; now: () => Date }) {
  const { booking, db, events } = deps;
  const store = fallbackStore(db);

  /** Like the booking's own changes: only the person who booked changes how the appointment happens. */
  function bookedByCitizen(holder: LinkHolder): Appointment {
    if (holder.role !== 'citizen') throw new HttpError(403, 'citizen_only', 'Only the person who booked can change this appointment.');
    const a = holder.appointment;
    if (a.status !== 'booked' || Date.parse(a.startAt) <= deps.now().getTime()) {
      throw new HttpError(409, 'appointment_started', 'This appointment has already started and can no longer be changed.');
    }
    return a;
  }

  const announce = (a: Appointment, fallback: DeviceFallback) =>
    events.emit('appointment.device-fallback', { appointmentId: a.id, staffId: a.staffId, fallback });

  return {
    /**
     * The video appointment becomes a phone call-back at the same time (bookingService.switchToPhone
     * sends the mail). Flag and switch in one transaction: a refused switch leaves no flag behind.
     */
    async switchToPhone(holder: LinkHolder, phone: string): Promise<Appointment> {
      const a = bookedByCitizen(holder);
      const switched = await db.transaction(async () => {
        await store.record(a.id, 'phone', deps.now().toISOString());
        return booking.switchToPhone(a.id, phone);
      });
      announce(switched, 'phone');
      return switched;
    },

    /**
     * Records audio only (the appointment stays a video call) or the counter (after the citizen moved
     * it there with the channel switch). Refused when the appointment is not (or no longer) so, or
     * the flag would tell staff something that is not true.
     */
    async choose(holder: LinkHolder, choice: Exclude<DeviceFallback, 'phone'>) {
      const a = bookedByCitizen(holder);
      if (a.channel !== fallbackChannel[choice]) {
        throw new HttpError(409, 'wrong_channel', choice === 'counter' ? 'Move the appointment to the counter first.' : 'Only a video call can go on with audio only.');
      }
      await store.record(a.id, choice, deps.now().toISOString());
      announce(a, choice);
    },
  };
}

export type DeviceFallbackService = ReturnType<typeof deviceFallbackService>;
