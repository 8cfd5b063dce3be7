import { EventEmitter } from 'node:events';

/** Domain facts other features react to (staff live agenda, webhooks). Never carries e-mail addresses. */
export interface DomainEvents {
  'appointment.booked': [{ appointmentId: string; staffId: string; startAt: string }];
  'appointment.cancelled': [{ appointmentId: string; staffId: string; by: string }];
  'appointment.rescheduled': [{ appointmentId: string; staffId: string; startAt: string }];
  'appointment.companions-changed': [{ appointmentId: string; staffId: string }];
}

export type EventBus = EventEmitter<DomainEvents>;
export const createEventBus = (): EventBus => new EventEmitter<DomainEvents>();
