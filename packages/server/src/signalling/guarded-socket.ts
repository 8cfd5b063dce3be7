import { WebSocket, type RawData } from 'ws';

/** Decides, per incoming message, whether it reaches the PeerJS server. */
export type MessageGate = (data: RawData, isBinary: boolean) => boolean;

/**
 * A WebSocket whose incoming messages pass our gate before any listener sees them: `peer`
 * subscribes to `message` itself and relays whatever it gets, so the filter must sit on the socket.
 * The WebSocketServer creates these through its `WebSocket` option. Until a gate is set, nothing passes.
 */
export class GuardedSocket extends WebSocket {
  gate: MessageGate = () => false;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && !this.gate(args[0] as RawData, args[1] as boolean)) return false;
    return super.emit(event, ...args);
  }
}
