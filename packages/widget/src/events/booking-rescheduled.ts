/** The citizen moved their appointment to another time; the old time is free again. */
export interface BalieBookingRescheduledDetail {
  appointmentId: string;
  serviceId: string;
  previousStart: string;
  start: string;
  end: string;
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
