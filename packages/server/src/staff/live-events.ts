import type { Context } from 'koa';
import { PassThrough } from 'node:stream';
import type { DomainEvents, EventBus } from '../events.ts';

/** The SSE event every console gets when an appointment changes; `data` is JSON. */
export const AGENDA_CHANGED = 'agenda-changed';

export interface AgendaChanged {
  appointmentId: string;
  staffId: string;
  change:
    | 'booked'
    | 'cancelled'
    | 'rescheduled'
    | 'companions-changed'
    | 'notes'
    | 'held'
    | 'no-show'
    | 'waiting'
    | 'admitted'
    | 'call-started'
    | 'meeting-ended'
    | 'device-checked'
    | 'documents'
    | 'feedback';
  /** With `waiting`: how many people are in the waiting room now (0 when the last one left). */
  waiting?: number;
}

interface Client {
  stream: PassThrough;
  /** Re-checked on every heartbeat: a stream ends with its session (logout, expiry). */
  stillSignedIn: () => Promise<boolean>;
}

const write = (client: Client, text: string) => {
  if (!client.stream.destroyed) client.stream.write(text);
};

/**
 * Server-Sent Events for the staff console (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * One stream per open console; the domain event bus feeds them all. Heartbeat comment lines keep
 * proxies from closing an idle stream and let us end streams whose session has ended.
 */
export function liveAgenda(events: EventBus, opts: { heartbeatMs: number }) {
  const clients = new Set<Client>();

  const broadcast = (data: AgendaChanged) => {
    const frame = `event: ${AGENDA_CHANGED}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of clients) write(client, frame);
  };

  const listeners = {
    'appointment.booked': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'booked' }),
    'appointment.cancelled': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'cancelled' }),
    'appointment.rescheduled': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'rescheduled' }),
    'appointment.companions-changed': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'companions-changed' }),
    // The console refreshes the item as for a move; its channel and number come with it.
    'appointment.channel-changed': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'rescheduled' }),
    // The console refreshes the item: its flag and, for the phone, its number.
    'appointment.device-fallback': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'device-checked' }),
    'appointment.updated': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: e.change }),
    'meeting.waiting': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'waiting', waiting: e.waiting }),
    'meeting.admitted': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'admitted' }),
    'meeting.started': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'call-started' }),
    'feedback.submitted': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'feedback' }),
    'meeting.ended': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'meeting-ended' }),
    'meeting.device-checked': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'device-checked' }),
    'document.added': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'documents' }),
    'document.deleted': (e) => broadcast({ appointmentId: e.appointmentId, staffId: e.staffId, change: 'documents' }),
  } satisfies { [K in keyof DomainEvents]: (...args: DomainEvents[K]) => void };
  for (const [name, listener] of Object.entries(listeners)) events.on(name as keyof DomainEvents, listener as never);

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      client.stillSignedIn().then(
        (signedIn) => (signedIn ? write(client, ': heartbeat\n\n') : client.stream.end()),
        // The database did not answer (stopping, a restart): the next heartbeat asks again.
        () => {},
      );
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  return {
    /** Turns this response into an event stream that lives until the client leaves or we stop. */
    open(ctx: Context, stillSignedIn: () => Promise<boolean>) {
      const stream = new PassThrough();
      const client: Client = { stream, stillSignedIn };
      clients.add(client);
      stream.on('close', () => clients.delete(client));
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = stream;
      // The retry hint and a first line let EventSource report `open` at once.
      stream.write('retry: 5000\n: connected\n\n');
    },
    get size() {
      return clients.size;
    },
    /** Ends every stream and detaches from the bus; part of app.stop(). */
    close() {
      clearInterval(heartbeat);
      for (const [name, listener] of Object.entries(listeners)) events.off(name as keyof DomainEvents, listener as never);
      for (const client of clients) client.stream.end();
      clients.clear();
    },
  };
}

export type LiveAgenda = ReturnType<typeof liveAgenda>;
