/** Someone else in the appointment (staff, the citizen or a companion) added a document. */
export interface BalieDocumentReceivedDetail {
  appointmentId: string;
  id: string;
  name: string;
  size: number;
  contentType: string;
  from: 'citizen' | 'companion' | 'staff';
}

export class BalieDocumentReceivedEvent extends Event {
  static readonly eventName = 'balie-document-received';
  constructor(readonly detail: BalieDocumentReceivedDetail) {
    super(BalieDocumentReceivedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-document-received': BalieDocumentReceivedEvent;
  }
}
