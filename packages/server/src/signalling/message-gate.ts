import type { MeetingRooms } from '../meetings/rooms.ts';
import type { MessageGate } from './guarded-socket.ts';

/** The message types the PeerJS server relays (it drops every other one anyway). */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);

export interface RateLimit {
  /** Messages a socket may send in a burst. */
  burst: number;
  /** Messages per second a socket may keep sending. */
  perSecond: number;
}

/**
 * A token bucket: a call set-up sends a burst of candidates, then heartbeats; a client that keeps
 * sending faster than `perSecond` past its burst is abusing the relay.
 */
export function tokenBucket(limit: RateLimit, now: () => number = () => performance.now()) {
  let tokens = limit.burst;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(limit.burst, tokens + ((t - last) / 1000) * limit.perSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/**
 * The rules for one peer's messages: heartbeats always pass; a relayed signal passes only to a
 * connected, admitted peer of the same meeting, and only from an admitted sender (a waiting peer
 * signals nobody). Binary frames and unparsable text are dropped; too many messages close the socket.
 */
export function messageGate(opts: { peerId: string; rooms: MeetingRooms; limit: RateLimit; onAbuse: () => void }): MessageGate {
  const allow = tokenBucket(opts.limit);
  let abused = false;
  return (data, isBinary) => {
    if (abused) return false;
    if (!allow()) {
      abused = true;
      opts.onAbuse();
      return false;
    }
    if (isBinary) return false;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return false;
    }
    if (typeof message !== 'object' || message === null) return false;
    const { type, dst } = message as { type?: unknown; dst?: unknown };
    if (type === 'HEARTBEAT') return true;
    return typeof type === 'string' && RELAYED.has(type) && typeof dst === 'string' && opts.rooms.mayRelay(opts.peerId, dst);
  };
}
