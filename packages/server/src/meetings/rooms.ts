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

/**
 * What the server itself tells a connected peer, next to the signals PeerJS relays: only that its
 * meeting changed (someone came, left or was admitted). The peer then asks the meeting-state route,
 * which checks its credential as ever; the notice carries nothing to leak.
 */
export const MEETING_CHANGED = { type: 'MEETING-CHANGED' } as const;

/** One signalling connection, as the rest of the server sees it. */
export interface ConnectedPeer extends AuthorizedPeer {
  /** Ends the connection, e.g. when staff end the meeting. */
  close(code: number, reason: string): void;
  /** Sends a server notice on this connection (see MEETING_CHANGED). */
  notify(notice: typeof MEETING_CHANGED): void;
}

export interface PeerView {
  peerId: string;
  name: string;
  role: MeetingRole;
  companionRole?: CompanionRole;
}

const view = ({ peerId, name, role, companionRole }: ConnectedPeer): PeerView => ({ peerId, name, role, ...(companionRole ? { companionRole } : {}) });

/** Where admissions outlive the process: the people (holders) let into each meeting. */
export interface AdmissionStore {
  holders(meetingId: string): Promise<string[]>;
  add(meetingId: string, holders: string[]): Promise<void>;
  /** Takes one person's admission back (a removed companion). */
  remove(meetingId: string, holder: string): Promise<void>;
  forget(meetingId: string): Promise<void>;
}

/**
 * Presence: which peers are connected to signalling, in memory and per process like the PeerJS
 * server itself (DESIGN.md: sticky routing per appointment to scale). Who has been admitted is kept
 * in `admissions` too, so after a restart the participants' pages reconnect straight into the call.
 */
export function meetingRooms(admissions: AdmissionStore) {
  const peers = new Map<string, ConnectedPeer>();
  /** The same connections by meeting: a change in one meeting never walks every peer of the server. */
  const byMeeting = new Map<string, Set<ConnectedPeer>>();
  const inMeeting = (meetingId: string) => [...(byMeeting.get(meetingId) ?? [])];
  /**
   * `admissions` of the meetings someone is connected to, in memory: every relayed signal asks it,
   * synchronously. `connect` fills it before a peer counts as connected, so a connected peer's
   * meeting always has its entry; it goes when the last peer leaves.
   */
  const admitted = new Map<string, Set<string>>();
  /**
   * Counts finished writes to `admissions`: a read of the store that saw it move may hold the
   * past, and `connect` reads again rather than fill `admitted` with it.
   */
  let writes = 0;
  /** The admissions of a meeting: from memory when someone is connected, else from the store. */
  const admittedIn = async (meetingId: string) => admitted.get(meetingId) ?? new Set(await admissions.holders(meetingId));
  const listeners = new Set<(meetingId: string) => void>();
  /**
   * Tells the listeners, and every connected peer of the meeting but `except`: a waiting citizen
   * learns at once that they were admitted, and those in the call that someone joined, without
   * waiting for a poll. The peer that just connected is left out: PeerJS has not sent it OPEN yet.
   */
  const changed = (meetingId: string, except?: ConnectedPeer) => {
    for (const listener of listeners) listener(meetingId);
    for (const peer of inMeeting(meetingId)) if (peer !== except) peer.notify(MEETING_CHANGED);
  };

  /** For connected peers only: their meeting's admissions are in memory. */
  const isAdmittedNow = (meetingId: string, role: MeetingRole, holder: string) => role === 'staff' || !!admitted.get(meetingId)?.has(holder);

  return {
    /** Whether this person is admitted to the meeting, connected or not. */
    async isAdmitted(meetingId: string, role: MeetingRole, holder: string) {
      return role === 'staff' || (await admittedIn(meetingId)).has(holder);
    },

    /**
     * Registers a connection once its meeting's admissions are in memory; a newer connection with
     * the same peer id replaces the older one. Whoever closes the socket meanwhile calls `disconnect`.
     */
    async connect(peer: ConnectedPeer) {
      while (!admitted.has(peer.meetingId)) {
        const before = writes;
        const holders = new Set(await admissions.holders(peer.meetingId));
        if (writes === before && !admitted.has(peer.meetingId)) admitted.set(peer.meetingId, holders);
      }
      // From here on nothing waits: the peer counts as connected with its meeting's admissions in memory.
      const replaced = peers.get(peer.peerId);
      if (replaced) byMeeting.get(replaced.meetingId)?.delete(replaced);
      peers.set(peer.peerId, peer);
      let room = byMeeting.get(peer.meetingId);
      if (!room) byMeeting.set(peer.meetingId, (room = new Set()));
      room.add(peer);
      changed(peer.meetingId, peer);
    },

    /** Forgets a connection, unless a newer one already took its peer id. */
    disconnect(peer: ConnectedPeer) {
      if (peers.get(peer.peerId) !== peer) return;
      peers.delete(peer.peerId);
      const room = byMeeting.get(peer.meetingId);
      room?.delete(peer);
      if (room?.size === 0) {
        byMeeting.delete(peer.meetingId);
        admitted.delete(peer.meetingId);
      }
      changed(peer.meetingId);
    },

    get: (peerId: string) => peers.get(peerId),

    /** Admits the people behind these peers (every waiting one when `peerIds` is undefined). */
    async admit(meetingId: string, peerIds?: string[]): Promise<PeerView[]> {
      const waiting = inMeeting(meetingId).filter((p) => !isAdmittedNow(meetingId, p.role, p.holder));
      const chosen = peerIds ? waiting.filter((p) => peerIds.includes(p.peerId)) : waiting;
      if (!chosen.length) return [];
      await admissions.add(meetingId, chosen.map((peer) => peer.holder));
      writes += 1;
      // The peers may have left meanwhile: then their meeting left memory, and the store has it.
      const holders = admitted.get(meetingId);
      for (const peer of chosen) holders?.add(peer.holder);
      changed(meetingId);
      return chosen.map(view);
    },

    /** Connected and admitted peers, and connected peers still in the waiting room. */
    presence(meetingId: string) {
      const connected = inMeeting(meetingId);
      return {
        participants: connected.filter((p) => isAdmittedNow(meetingId, p.role, p.holder)).map(view),
        waiting: connected.filter((p) => !isAdmittedNow(meetingId, p.role, p.holder)).map(view),
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
        isAdmittedNow(src.meetingId, src.role, src.holder) &&
        isAdmittedNow(dst.meetingId, dst.role, dst.holder)
      );
    },

    /** The people (holders) connected to a meeting, each once. */
    holders: (meetingId: string) => [...new Set(inMeeting(meetingId).map((peer) => peer.holder))],

    /**
     * Sends one person out of a meeting: every connection of theirs is closed and their admission
     * forgotten, so a new credential (were one issued) would start in the waiting room again. Their
     * signals stop at once; their sockets close once the store has it too.
     */
    async dismiss(meetingId: string, holder: string, code: number, reason: string) {
      admitted.get(meetingId)?.delete(holder);
      try {
        await admissions.remove(meetingId, holder);
      } finally {
        // Again: a peer that connected meanwhile may have brought the admission back from the store.
        admitted.get(meetingId)?.delete(holder);
        writes += 1;
        for (const peer of inMeeting(meetingId)) if (peer.holder === holder) peer.close(code, reason);
      }
    },

    /** Disconnects everyone in a meeting and forgets its admissions. */
    async close(meetingId: string, code: number, reason: string) {
      // Cleared, not removed: the peers are connected until their sockets report the close.
      admitted.get(meetingId)?.clear();
      try {
        await admissions.forget(meetingId);
      } finally {
        admitted.get(meetingId)?.clear();
        writes += 1;
        for (const peer of inMeeting(meetingId)) peer.close(code, reason);
      }
    },

    /** Called with the meeting id whenever its presence or admissions change. */
    onChange(listener: (meetingId: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type MeetingRooms = ReturnType<typeof meetingRooms>;
