/** A message as the PeerJS server relays it: the server sets `src`. */
export interface SignalMessage {
  type: string;
  src?: string;
  dst?: string;
  payload?: unknown;
}

const HEARTBEAT_MS = 20_000;
const OPEN_TIMEOUT_MS = 10_000;

/**
 * A client of the PeerJS signalling protocol (the server is the npm `peer` package): connect with
 * `id` and `token`, wait for OPEN, then relay OFFER/ANSWER/CANDIDATE/LEAVE to other peers.
 * The server drops a client that sends no HEARTBEAT for 90 s, so we send one every 20 s. Our server
 * also sends MEETING-CHANGED when someone comes, leaves or is admitted: a `meeting-changed` event.
 */
export class SignallingClient extends EventTarget {
  private socket?: WebSocket;
  private heartbeat?: ReturnType<typeof setInterval>;
  private handler?: (message: SignalMessage) => void;
  /**
   * Signals that arrive before anyone listens: staff may send their offer the moment they admit a
   * citizen, before the citizen's page has noticed the admission and built its connections.
   */
  private early: SignalMessage[] = [];

  /** @param url the PeerJS WebSocket address, with `key`, `id`, `token` and `meeting` (see `for`). */
  constructor(readonly url: string) {
    super();
  }

  /**
   * A client for the peer a join endpoint granted: its id and credential, on that server. `meeting`
   * lets a load balancer put every socket of one meeting on the same server instance.
   */
  static for(server: string, join: { meetingId: string; peerId: string; credential: string; signal: { path: string; key: string } }) {
    const url = new URL(server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `${join.signal.path.replace(/\/$/, '')}/peerjs`;
    url.search = new URLSearchParams({ key: join.signal.key, id: join.peerId, token: join.credential, meeting: join.meetingId }).toString();
    return new SignallingClient(url.toString());
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      const timer = setTimeout(() => {
        reject(new Error('signalling_timeout'));
        socket.close();
      }, OPEN_TIMEOUT_MS);
      socket.addEventListener('message', (event) => {
        let message: SignalMessage;
        try {
          message = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (message.type === 'OPEN') {
          clearTimeout(timer);
          this.heartbeat = setInterval(() => this.raw({ type: 'HEARTBEAT' }), HEARTBEAT_MS);
          resolve();
        } else if (message.type === 'ERROR' || message.type === 'ID-TAKEN') {
          clearTimeout(timer);
          reject(new Error('signalling_refused'));
        } else if (message.type === 'MEETING-CHANGED') {
          // Our server's own notice (someone came, left or was admitted), not a relayed signal.
          this.dispatchEvent(new Event('meeting-changed'));
        } else if (this.handler) this.handler(message);
        else this.early.push(message);
      });
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        clearInterval(this.heartbeat);
        reject(new Error('signalling_closed'));
        this.dispatchEvent(new Event('close'));
      });
    });
  }

  /** Sets the one receiver of relayed signals and hands it whatever arrived before. */
  onMessage(handler: (message: SignalMessage) => void) {
    this.handler = handler;
    for (const message of this.early.splice(0)) handler(message);
  }

  send(type: 'OFFER' | 'ANSWER' | 'CANDIDATE' | 'LEAVE', dst: string, payload: unknown) {
    this.raw({ type, dst, payload });
  }

  private raw(message: SignalMessage) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    clearInterval(this.heartbeat);
    this.socket?.close();
  }
}
