import type { CompanionRole } from '../catalog/types.ts';

/** Who takes part in a meeting. Staff are always admitted; citizens and companions wait until admitted. */
export type MeetingRole = 'staff' | 'citizen' | 'companion';

/** A peer the signalling server may let in: everything it needs to know about the person behind it. */
export interface AuthorizedPeer {
  peerId: string;
  meetingId: string;
  role: MeetingRole;
  /**
   * The person behind the peer (`citizen`, `companion:<id>`, `staff:<id>`). Admission belongs to the
   * person, not the peer id, so a reload or a network change (a new join, a new peer id) does not
   * send someone back to the waiting room.
   */
  holder: string;
  name: string;
  /** What a companion comes as (carer, family, interpreter), so the others see an interpreter as one. */
  companionRole?: CompanionRole;
}

/** One signalling connection, as the rest of the server sees it. */
export interface ConnectedPeer extends AuthorizedPeer {
  /** Ends the connection, e.g. when staff end the meeting. */
  close(code: number, reason: string): void;
}

export interface PeerView {
  peerId: string;
  name: string;
  role: MeetingRole;
  companionRole?: CompanionRole;
}

const view = ({ peerId, name, role, companionRole }: ConnectedPeer): PeerView => ({ peerId, name, role, ...(companionRole ? { companionRole } : {}) });

/**
 * In-memory presence: which peers are connected to signalling and who has been admitted. It is
 * per process, like the PeerJS server itself (DESIGN.md: sticky routing per appointment to scale).
 */
export function meetingRooms() {
  const peers = new Map<string, ConnectedPeer>();
  const admitted = new Map<string, Set<string>>();
  const listeners = new Set<(meetingId: string) => void>();
  const changed = (meetingId: string) => {
    for (const listener of listeners) listener(meetingId);
  };

  const isAdmitted = (meetingId: string, role: MeetingRole, holder: string) =>
    role === 'staff' || (admitted.get(meetingId)?.has(holder) ?? false);
  const inMeeting = (meetingId: string) => [...peers.values()].filter((p) => p.meetingId === meetingId);

  return {
    isAdmitted,

    /** Registers a connection; a newer connection with the same peer id replaces the older one. */
    connect(peer: ConnectedPeer) {
      peers.set(peer.peerId, peer);
      changed(peer.meetingId);
    },

    /** Forgets a connection, unless a newer one already took its peer id. */
    disconnect(peer: ConnectedPeer) {
      if (peers.get(peer.peerId) !== peer) return;
      peers.delete(peer.peerId);
      changed(peer.meetingId);
    },

    get: (peerId: string) => peers.get(peerId),

    /** Admits the people behind these peers (every waiting one when `peerIds` is undefined). */
    admit(meetingId: string, peerIds?: string[]): PeerView[] {
      const waiting = inMeeting(meetingId).filter((p) => !isAdmitted(meetingId, p.role, p.holder));
      const chosen = peerIds ? waiting.filter((p) => peerIds.includes(p.peerId)) : waiting;
      if (!chosen.length) return [];
      let holders = admitted.get(meetingId);
      if (!holders) admitted.set(meetingId, (holders = new Set()));
      for (const peer of chosen) holders.add(peer.holder);
      changed(meetingId);
      return chosen.map(view);
    },

    /** Connected and admitted peers, and connected peers still in the waiting room. */
    presence(meetingId: string) {
      const connected = inMeeting(meetingId);
      return {
        participants: connected.filter((p) => isAdmitted(meetingId, p.role, p.holder)).map(view),
        waiting: connected.filter((p) => !isAdmitted(meetingId, p.role, p.holder)).map(view),
      };
    },

    /** A signal may pass only between two connected, admitted peers of one meeting. */
    mayRelay(srcPeerId: string, dstPeerId: string) {
      const src = peers.get(srcPeerId);
      const dst = peers.get(dstPeerId);
      return (
        !!src &&
        !!dst &&
        src !== dst &&
        src.meetingId === dst.meetingId &&
        isAdmitted(src.meetingId, src.role, src.holder) &&
        isAdmitted(dst.meetingId, dst.role, dst.holder)
      );
    },

    /** Disconnects everyone in a meeting and forgets its admissions. */
    close(meetingId: string, code: number, reason: string) {
      for (const peer of inMeeting(meetingId)) peer.close(code, reason);
      admitted.delete(meetingId);
    },

    /** Called with the meeting id whenever its presence or admissions change. */
    onChange(listener: (meetingId: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type MeetingRooms = ReturnType<typeof meetingRooms>;
