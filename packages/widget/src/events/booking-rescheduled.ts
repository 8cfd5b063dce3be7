import type { Channel } from '../api/types.ts';

/**
 * The citizen moved their appointment to another time, or switched between a video call and the
 * counter; the old time is free again.
 */
export interface BalieBookingRescheduledDetail {
  appointmentId: string;
  serviceId: string;
  previousStart: string;
  start: string;
  end: string;
  /** How the appointment now takes place (it may have changed). */
  channel: Channel;
  /** The counter's location id, or null for a video call. */
  locationId: string | null;
}

export class BalieBookingRescheduledEvent extends Event {
  static readonly eventName = 'balie-booking-rescheduled';
  constructor(readonly detail: BalieBookingRescheduledDetail) {
    super(BalieBookingRescheduledEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-booking-rescheduled': BalieBookingRescheduledEvent;
  }
}
