/** Staff admitted the participant and the call began. */
export interface BalieCallStartedDetail {
  appointmentId: string;
  role: 'citizen' | 'companion';
  startedAt: string;
}

export class BalieCallStartedEvent extends Event {
  static readonly eventName = 'balie-call-started';
  constructor(readonly detail: BalieCallStartedDetail) {
    super(BalieCallStartedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-call-started': BalieCallStartedEvent;
  }
}
