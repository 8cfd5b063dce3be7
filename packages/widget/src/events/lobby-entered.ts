/** The citizen or companion entered the waiting room. */
export interface BalieLobbyEnteredDetail {
  appointmentId: string;
  role: 'citizen' | 'companion';
}

export class BalieLobbyEnteredEvent extends Event {
  static readonly eventName = 'balie-lobby-entered';
  constructor(readonly detail: BalieLobbyEnteredDetail) {
    super(BalieLobbyEnteredEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-lobby-entered': BalieLobbyEnteredEvent;
  }
}
