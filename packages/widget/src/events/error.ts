/** Something failed; the citizen already sees a friendly text. `code` is stable for integrators. */
export interface BalieErrorDetail {
  code: string;
  status: number;
  /** Where it happened: `booking`, `manage`, … */
  context: string;
}

export class BalieErrorEvent extends Event {
  static readonly eventName = 'balie-error';
  constructor(readonly detail: BalieErrorDetail) {
    super(BalieErrorEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-error': BalieErrorEvent;
  }
}
