/** Bytes of one upload reached the server; dispatched at most a few times a second per file. */
export interface BalieUploadProgressDetail {
  appointmentId: string;
  /** The upload's id in this page (stable across pause and resume, not the document id). */
  uploadId: string;
  bytesUploaded: number;
  bytesTotal: number;
}

export class BalieUploadProgressEvent extends Event {
  static readonly eventName = 'balie-upload-progress';
  constructor(readonly detail: BalieUploadProgressDetail) {
    super(BalieUploadProgressEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-upload-progress': BalieUploadProgressEvent;
  }
}
