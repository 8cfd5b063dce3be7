/** Another participant left the call. */
export interface BalieParticipantLeftDetail {
  appointmentId: string;
  role: 'staff' | 'citizen' | 'companion' | '';
}

export class BalieParticipantLeftEvent extends Event {
  static readonly eventName = 'balie-participant-left';
  constructor(readonly detail: BalieParticipantLeftDetail) {
    super(BalieParticipantLeftEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-participant-left': BalieParticipantLeftEvent;
  }
}
