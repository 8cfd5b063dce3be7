import type { DeviceCheckReport } from '../api/types.ts';

/** The device check finished; the result is stored with the appointment for staff to see. */
export interface BalieDeviceCheckCompletedDetail {
  appointmentId: string;
  result: 'passed' | 'failed';
  audioOnly: boolean;
  /** Each part's result: `passed`, `failed`, or `skipped` when it was not tested. */
  parts: DeviceCheckReport['parts'];
}

export class BalieDeviceCheckCompletedEvent extends Event {
  static readonly eventName = 'balie-device-check-completed';
  constructor(readonly detail: BalieDeviceCheckCompletedDetail) {
    super(BalieDeviceCheckCompletedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'balie-device-check-completed': BalieDeviceCheckCompletedEvent;
  }
}
