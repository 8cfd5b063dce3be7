import SimplePeer from 'simple-peer';
import { readChatMessage, type ChatMessage } from './chat-message.ts';
import { readMediaState, type MediaState } from './media-state.ts';
import type { SignalMessage, SignallingClient } from './signalling.ts';

export interface Participant {
  peerId: string;
  name: string;
  role: 'staff' | 'citizen' | 'companion';
}

export type { ChatMessage, MediaState };

type PeerEntry = {
  peer: SimplePeer.Instance;
  initiator: boolean;
  participant: Participant;
  connected: boolean;
  /** Seen in the server's list: a peer that offered before our list caught up is not dropped. */
  listed: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** A pending ICE restart after the connection went `disconnected`. */
  restartTimer?: ReturnType<typeof setTimeout>;
};

/** How long a `disconnected` connection may recover by itself before the offering side restarts ICE. */
const DISCONNECTED_GRACE_MS = 2_000;
/** Asks the offering side of a pair to restart ICE; rides in a CANDIDATE like simple-peer's own extras. */
const ICE_RESTART = 'balie-ice-restart';

/**
 * A full mesh of simple-peer connections (up to four participants). For each pair, the peer with
 * the smaller id makes the offer, so both sides agree without a coordinator.
 * PeerJS relays only OFFER, ANSWER, CANDIDATE, LEAVE and EXPIRE, so simple-peer's other signals
 * (renegotiate, transceiverRequest) ride inside CANDIDATE.
 */
export class PeerMesh extends EventTarget {
  private readonly peers = new Map<string, PeerEntry>();
  /** Ours, told to every connection as it comes up and to all when it changes. */
  private mediaState?: MediaState;
  /** The device changed networks (Wi-Fi to mobile, back online): find a new path at once. */
  private readonly onNetworkChange = () => this.restartIce();

  constructor(
    private readonly opts: {
      signalling: SignallingClient;
      myId: string;
      iceServers: RTCIceServer[];
      stream: MediaStream;
      connectTimeoutMs?: number;
      iceTransportPolicy?: RTCIceTransportPolicy;
    },
  ) {
    super();
    opts.signalling.onMessage((message) => this.onSignal(message));
    globalThis.addEventListener?.('online', this.onNetworkChange);
    networkInformation()?.addEventListener('change', this.onNetworkChange);
  }

  /**
   * An ICE restart on every connection: a new offer/answer with fresh ICE credentials finds a path
   * over the current network; the call and its tracks stay. The offering side of each pair
   * restarts; the other side asks it to.
   */
  restartIce() {
    let restarting = false;
    for (const [peerId, entry] of this.peers) {
      if (!entry.connected) continue;
      restarting = true;
      if (entry.initiator) this.restartFrom(entry);
      else this.opts.signalling.send('CANDIDATE', peerId, { type: ICE_RESTART });
    }
    // Told once, whichever side of each pair does the restart.
    if (restarting) this.dispatchEvent(new Event('ice-restart'));
  }

  private restartFrom(entry: PeerEntry) {
    const pc = (entry.peer as unknown as { _pc?: RTCPeerConnection })._pc;
    if (!pc || typeof pc.restartIce !== 'function') return;
    pc.restartIce();
    // simple-peer does not listen for negotiationneeded: ask it for the (ICE-restarting) offer.
    (entry.peer as unknown as { negotiate(): void }).negotiate();
  }

  /** Aligns the mesh with the admitted participants the server lists. */
  sync(participants: Participant[]) {
    const others = participants.filter((p) => p.peerId !== this.opts.myId);
    for (const p of others) {
      const entry = this.peers.get(p.peerId);
      if (entry) Object.assign(entry, { participant: p, listed: true });
      else if (this.opts.myId < p.peerId) this.create(p, true).listed = true;
    }
    for (const [peerId, entry] of this.peers) {
      if (entry.listed && !others.some((p) => p.peerId === peerId)) this.drop(peerId);
    }
  }

  private create(participant: Participant, initiator: boolean): PeerEntry {
    const peer = new SimplePeer({
      initiator,
      trickle: true,
      stream: this.opts.stream,
      // Always explicit: simple-peer's defaults would contact public STUN servers.
      config: {
        iceServers: this.opts.iceServers,
        ...(this.opts.iceTransportPolicy ? { iceTransportPolicy: this.opts.iceTransportPolicy } : {}),
      },
    });
    const entry: PeerEntry = { peer, initiator, participant, connected: false, listed: false };
    this.peers.set(participant.peerId, entry);
    // For channels of our own next to simple-peer's (real-time text, call/rtt-channel.ts): told now,
    // before any offer or answer, so the answering side can take its channel when it arrives.
    const pc = (peer as unknown as { _pc?: RTCPeerConnection })._pc;
    if (pc) this.dispatchEvent(new CustomEvent('peer-connection', { detail: { peerId: participant.peerId, pc, initiator } }));
    // A relay-only peer with a wrong TURN credential hangs without an error event: our own timeout,
    // after which the offering side starts over with a fresh connection (and tells the view).
    entry.timer = setTimeout(() => {
      if (entry.connected || this.peers.get(participant.peerId) !== entry) return;
      this.dispatchEvent(new CustomEvent('timeout', { detail: participant }));
      this.discard(participant.peerId);
      if (initiator) this.create(entry.participant, true).listed = entry.listed;
    }, this.opts.connectTimeoutMs ?? 12_000);
    peer.on('signal', (data: { type?: string }) => {
      const type = data.type === 'offer' ? 'OFFER' : data.type === 'answer' ? 'ANSWER' : 'CANDIDATE';
      this.opts.signalling.send(type, participant.peerId, data);
    });
    peer.on('connect', () => {
      entry.connected = true;
      clearTimeout(entry.timer);
      if (this.mediaState) peer.send(JSON.stringify(this.mediaState));
      this.dispatchEvent(new CustomEvent('connect', { detail: entry.participant }));
    });
    peer.on('stream', (stream: MediaStream) =>
      this.dispatchEvent(new CustomEvent('stream', { detail: { participant: entry.participant, stream } })),
    );
    peer.on('data', (data: Uint8Array) => {
      // The sender's name comes from the server's participant list, not from the message.
      const message = readChatMessage(data, entry.participant.name);
      if (message) return void this.dispatchEvent(new CustomEvent('chat', { detail: message }));
      const media = readMediaState(data);
      if (media) this.dispatchEvent(new CustomEvent('media-state', { detail: { peerId: participant.peerId, camera: media.camera, microphone: media.microphone, audioOnly: media.audioOnly === true } }));
    });
    peer.on('iceStateChange', (state: RTCIceConnectionState) => {
      clearTimeout(entry.restartTimer);
      if (state !== 'disconnected' || !entry.connected) return;
      entry.restartTimer = setTimeout(() => {
        if (this.peers.get(participant.peerId) !== entry) return;
        if (entry.initiator) this.restartFrom(entry);
        else this.opts.signalling.send('CANDIDATE', participant.peerId, { type: ICE_RESTART });
        this.dispatchEvent(new Event('ice-restart'));
      }, DISCONNECTED_GRACE_MS);
    });
    peer.on('close', () => this.drop(participant.peerId));
    peer.on('error', () => this.drop(participant.peerId));
    return entry;
  }

  private onSignal(message: SignalMessage) {
    if (message.type === 'LEAVE' && message.src) return this.drop(message.src);
    if (!message.src || !['OFFER', 'ANSWER', 'CANDIDATE'].includes(message.type)) return;
    let entry = this.peers.get(message.src);
    // A fresh offer for a connection that never came up: the other side timed out and started over.
    if (entry && message.type === 'OFFER' && !entry.connected && !entry.initiator) {
      const { participant, listed } = entry;
      this.dispatchEvent(new CustomEvent('timeout', { detail: participant }));
      this.discard(message.src);
      entry = this.create(participant, false);
      entry.listed = listed;
    }
    if (!entry && message.type === 'OFFER') entry = this.create({ peerId: message.src, name: '', role: 'citizen' }, false);
    if ((message.payload as { type?: string } | undefined)?.type === ICE_RESTART) {
      if (entry?.initiator && entry.connected) this.restartFrom(entry);
      return;
    }
    entry?.peer.signal(message.payload as SimplePeer.SignalData);
  }

  private drop(peerId: string) {
    const entry = this.discard(peerId);
    if (entry) this.dispatchEvent(new CustomEvent('leave', { detail: entry.participant }));
  }

  /** Closes a connection without telling anyone: the participant is still there. */
  private discard(peerId: string) {
    const entry = this.peers.get(peerId);
    if (!entry) return undefined;
    this.peers.delete(peerId);
    this.dispatchEvent(new CustomEvent('peer-closed', { detail: { peerId } }));
    clearTimeout(entry.timer);
    clearTimeout(entry.restartTimer);
    entry.peer.removeAllListeners();
    entry.peer.destroy();
    return entry;
  }

  /** Swaps a track on every connection without renegotiation (device switch, screen share). */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack) {
    for (const { peer } of this.peers.values()) {
      try {
        peer.replaceTrack(oldTrack, newTrack, this.opts.stream);
      } catch {
        // this connection does not carry that track
      }
    }
  }

  /** Tells everyone (and whoever connects later) whether our camera and microphone are on. */
  sendMediaState(state: Omit<MediaState, 'kind'>) {
    this.mediaState = { kind: 'media', camera: state.camera, microphone: state.microphone, ...(state.audioOnly ? { audioOnly: true } : {}) };
    const data = JSON.stringify(this.mediaState);
    for (const { peer, connected } of this.peers.values()) if (connected) peer.send(data);
  }

  sendChat(message: ChatMessage) {
    const data = JSON.stringify(message);
    for (const { peer, connected } of this.peers.values()) if (connected) peer.send(data);
  }

  /** Each participant's RTCPeerConnection, for the quality indicator to read and tune (controllers/network-quality.ts). */
  *connections(): Generator<[string, RTCPeerConnection]> {
    for (const [peerId, { peer }] of this.peers) {
      const pc = (peer as unknown as { _pc?: RTCPeerConnection })._pc;
      if (pc) yield [peerId, pc];
    }
  }

  close() {
    globalThis.removeEventListener?.('online', this.onNetworkChange);
    networkInformation()?.removeEventListener('change', this.onNetworkChange);
    for (const peerId of [...this.peers.keys()]) this.drop(peerId);
  }
}

/** The Network Information API where the browser has it (Chromium, Android): fires on a network change. */
const networkInformation = () => (globalThis.navigator as (Navigator & { connection?: EventTarget }) | undefined)?.connection;
