/** Another participant's audio/video arrived. */
export interface BalieParticipantJoinedDetail {
  appointmentId: string;
  role: 'staff' | 'citizen' | 'companion' | '';
}

export class BalieParticipantJoinedEvent extends Event {
  static readonly eventName = 'balie-participant-joined';
  constructor(readonly detail: BalieParticipantJoinedDetail) {
    super(BalieParticipantJoinedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-participant-joined': BalieParticipantJoinedEvent;
  }
}
