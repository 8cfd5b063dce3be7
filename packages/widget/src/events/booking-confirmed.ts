import type { Channel } from '../api/types.ts';

/** A citizen booked an appointment. Carries no e-mail address or phone number. */
export interface BalieBookingConfirmedDetail {
  appointmentId: string;
  serviceId: string;
  start: string;
  end: string;
  channel: Channel;
  locationId: string | null;
  companions: number;
}

export class BalieBookingConfirmedEvent extends Event {
  static readonly eventName = 'balie-booking-confirmed';
  constructor(readonly detail: BalieBookingConfirmedDetail) {
    super(BalieBookingConfirmedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-booking-confirmed': BalieBookingConfirmedEvent;
  }
}
