/** The anonymous feedback survey was sent. */
export interface BalieFeedbackSubmittedDetail {
  appointmentId: string;
  score: number;
}

export class BalieFeedbackSubmittedEvent extends Event {
  static readonly eventName = 'balie-feedback-submitted';
  constructor(readonly detail: BalieFeedbackSubmittedDetail) {
    super(BalieFeedbackSubmittedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-feedback-submitted': BalieFeedbackSubmittedEvent;
  }
}
