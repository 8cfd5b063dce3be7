import type { BalieBookingConfirmedDetail } from './booking-confirmed.ts';

/** At most this many metadata keys; keys are letters, digits, `-` and `_` (≤ 40), values ≤ 200 characters. */
export const MAX_METADATA_KEYS = 10;

/** What the citizen is about to book. Carries no name, e-mail address or phone number. */
export interface BalieBookingRequestedDetail extends Omit<BalieBookingConfirmedDetail, 'appointmentId'> {
  /**
   * The integrator's own data for this booking, e.g. a case number or a payment reference. Fill it
   * in a listener: it is stored with the appointment, shown in the staff dossier and sent in the
   * `appointment.booked` webhook (`data.metadata`).
   */
  metadata: Record<string, string>;
}

/**
 * Sent just before a booking goes to the server. Cancelable: `preventDefault()` stops the booking
 * (the citizen sees a friendly "not booked" message and keeps everything they filled in).
 * `waitUntil(promise)` holds the booking until the promise settles, e.g. for the municipality's own
 * identity check or payment; a rejected promise, or one that resolves to `false`, stops it too.
 */
export class BalieBookingRequestedEvent extends Event {
  static readonly eventName = 'balie-booking-requested';
  private readonly pending: Promise<unknown>[] = [];

  constructor(readonly detail: BalieBookingRequestedDetail) {
    super(BalieBookingRequestedEvent.eventName, { bubbles: true, composed: true, cancelable: true });
  }

  /** Holds the booking until `promise` settles; call it while the event is being dispatched. */
  waitUntil(promise: Promise<unknown>) {
    this.pending.push(promise);
  }

  /** For the widget: true when the booking may go ahead (not cancelled, every held promise fulfilled and not `false`). */
  async allowed(): Promise<boolean> {
    if (this.defaultPrevented) return false;
    const results = await Promise.allSettled(this.pending);
    return !this.defaultPrevented && results.every((r) => r.status === 'fulfilled' && r.value !== false);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-booking-requested': BalieBookingRequestedEvent;
  }
}
