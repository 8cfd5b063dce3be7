/** A document was sent, passed the server's checks and is visible to the appointment's participants. */
export interface BalieUploadCompletedDetail {
  appointmentId: string;
  /** The document id on the server. */
  id: string;
  name: string;
  size: number;
  /** SHA-256 of the bytes as the server stored them, lowercase hex. */
  sha256: string;
}

export class BalieUploadCompletedEvent extends Event {
  static readonly eventName = 'balie-upload-completed';
  constructor(readonly detail: BalieUploadCompletedDetail) {
    super(BalieUploadCompletedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-upload-completed': BalieUploadCompletedEvent;
  }
}
