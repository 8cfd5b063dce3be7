/** The citizen cancelled their appointment from the personal link. */
export interface BalieBookingCancelledDetail {
  appointmentId: string;
  serviceId: string;
}

export class BalieBookingCancelledEvent extends Event {
  static readonly eventName = 'balie-booking-cancelled';
  constructor(readonly detail: BalieBookingCancelledDetail) {
    super(BalieBookingCancelledEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-booking-cancelled': BalieBookingCancelledEvent;
  }
}
