/** The call ended, by staff or because the participant left. */
export interface BalieCallEndedDetail {
  appointmentId: string;
  reason: 'ended-by-staff' | 'left';
  durationSeconds: number;
}

export class BalieCallEndedEvent extends Event {
  static readonly eventName = 'balie-call-ended';
  constructor(readonly detail: BalieCallEndedDetail) {
    super(BalieCallEndedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-call-ended': BalieCallEndedEvent;
  }
}
