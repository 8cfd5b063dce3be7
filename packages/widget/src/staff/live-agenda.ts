import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AgendaChanged } from './types.ts';

/** The server's SSE event name (packages/server/src/staff/live-events.ts). */
const AGENDA_CHANGED = 'agenda-changed';
const RETRY_MS = 5_000;

export type LiveStatus = 'connecting' | 'open' | 'offline';

/**
 * Keeps an EventSource on the staff event stream while the host is connected and `enabled`.
 * EventSource reconnects by itself after a dropped connection; it gives up for good on an HTTP
 * error (a 401 once the session ended), and then `onClosed` lets the console check the session.
 * Every (re)open is reported too: events may have been missed in between.
 */
export class LiveAgendaController implements ReactiveController {
  status: LiveStatus = 'offline';
  private source?: EventSource;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private enabled = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: {
      url: () => string;
      onChange: (change: AgendaChanged) => void;
      onOpen: () => void;
      onClosed: () => void;
    },
  ) {
    host.addController(this);
  }

  /** Opens the stream after sign-in, closes it after sign-out. */
  setEnabled(enabled: boolean) {
    this.enabled = enabled;
    if (enabled) this.open();
    else this.close();
  }

  hostConnected() {
    if (this.enabled) this.open();
  }

  hostDisconnected() {
    this.close();
  }

  /** After the console checked the session: try again a little later. */
  retrySoon() {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.enabled && this.open(), RETRY_MS);
  }

  private open() {
    if (this.source) return;
    const source = new EventSource(this.opts.url());
    this.source = source;
    this.setStatus('connecting');
    source.addEventListener('open', () => {
      this.setStatus('open');
      this.opts.onOpen();
    });
    source.addEventListener(AGENDA_CHANGED, (event) => {
      try {
        this.opts.onChange(JSON.parse((event as MessageEvent<string>).data) as AgendaChanged);
      } catch {
        // A frame we cannot read is ignored; the next one or the next reconnect catches up.
      }
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        this.close();
        this.opts.onClosed();
      } else this.setStatus('connecting');
    });
  }

  private close() {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
    this.setStatus('offline');
  }

  private setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    this.host.requestUpdate();
  }
}
