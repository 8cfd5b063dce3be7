/** The element has loaded its texts and first view and is ready for the citizen. */
export interface BalieReadyDetail {
  view: 'booking' | 'manage';
  lang: string;
}

export class BalieReadyEvent extends Event {
  static readonly eventName = 'balie-ready';
  constructor(readonly detail: BalieReadyDetail) {
    super(BalieReadyEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-ready': BalieReadyEvent;
  }
}
