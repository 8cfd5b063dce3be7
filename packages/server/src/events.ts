import { EventEmitter } from 'node:events';
import type { Channel } from './catalog/types.ts';

/** Domain facts other features react to (staff live agenda, webhooks). Never carries e-mail addresses. */
export interface DomainEvents {
  'appointment.booked': [{ appointmentId: string; staffId: string; startAt: string }];
  'appointment.cancelled': [{ appointmentId: string; staffId: string; by: string }];
  'appointment.rescheduled': [{ appointmentId: string; staffId: string; startAt: string }];
  'appointment.companions-changed': [{ appointmentId: string; staffId: string }];
  /** Same time, another channel: a video appointment became a phone call-back. */
  'appointment.channel-changed': [{ appointmentId: string; staffId: string; channel: Channel }];
  /**
   * After a failed device test the citizen chose a way forward (issue 11): audio only, a phone call
   * at the same time, or the counter. The change itself has its own event (channel-changed, rescheduled).
   */
  'appointment.device-fallback': [{ appointmentId: string; staffId: string; fallback: 'audio-only' | 'phone' | 'counter' }];
  /** Staff changed the dossier: notes or next steps, or marked it held or a no-show. */
  'appointment.updated': [{ appointmentId: string; staffId: string; change: 'notes' | 'held' | 'no-show' }];
  /** Someone entered or left the waiting room of a video meeting; `waiting` is how many wait now. */
  'meeting.waiting': [{ appointmentId: string; staffId: string; waiting: number }];
  'meeting.admitted': [{ appointmentId: string; staffId: string; peerIds: string[] }];
  /** The call began: for the first time, two admitted people were in it (a rejoin does not count). */
  'meeting.started': [{ appointmentId: string; staffId: string }];
  /** Staff ended the call: the appointment is held and every peer was disconnected. */
  'meeting.ended': [{ appointmentId: string; staffId: string }];
  /** The citizen finished the device check (readiness in the agenda). */
  'meeting.device-checked': [
    { appointmentId: string; staffId: string; result: 'passed' | 'failed'; parts: Record<'camera' | 'microphone' | 'speaker' | 'network', string> | null },
  ];
  /** The citizen gave the anonymous survey after the call: the score only, never the comment. */
  'feedback.submitted': [{ appointmentId: string; staffId: string; score: number }];
  /** A document passed the content checks and is visible to the appointment's participants now. */
  'document.added': [{ appointmentId: string; staffId: string; documentId: string; uploadedBy: 'citizen' | 'companion' | 'staff' }];
  /** Staff or the uploader deleted a document (retention deletes silently, long after the appointment). */
  'document.deleted': [{ appointmentId: string; staffId: string; documentId: string }];
}

export type EventBus = EventEmitter<DomainEvents>;
export const createEventBus = (): EventBus => new EventEmitter<DomainEvents>();
