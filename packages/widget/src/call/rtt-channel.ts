import { encodeEdit, LINE_SEPARATOR, T140Decoder, T140Sender, toT140 } from './t140.ts';

/**
 * RFC 8865 §3: a T.140 data channel is a data channel whose subprotocol is "t140"; it is reliable
 * and ordered (the defaults of createDataChannel). We label it "t140" too, so a client that only
 * looks at the label finds it.
 */
export const T140_LABEL = 't140';
export const T140_PROTOCOL = 't140';

/** The fewest milliseconds between two redraws of one sender's text, whatever that sender does. */
const REDRAW_MS = 100;

/** What the mesh tells about each connection it opens (see PeerMesh's `peer-connection` event). */
export interface PeerConnectionDetail {
  peerId: string;
  pc: RTCPeerConnection;
  initiator: boolean;
}

export interface RttChangeDetail {
  peerId: string;
  text: string;
}

type Remote = {
  channel: RTCDataChannel;
  decoder: T140Decoder;
  utf8: TextDecoder;
  /** Caught up with our unfinished line: from now on it gets what everyone gets. */
  ready: boolean;
};

/**
 * Real-time text over every connection of the call's mesh: one T.140 data channel per pair, next
 * to simple-peer's own channel (chat, media state). What we type goes out through one buffer to
 * all channels; what each participant types is kept as that participant's text.
 *
 * Fires `change` ({@link RttChangeDetail}) when someone else's text changed, at most every 100 ms
 * per participant; a well-behaved sender changes it at most every 300 ms anyway.
 */
export class RttChannels extends EventTarget {
  /** Each participant's text as shown, by peer id; kept after their connection closes. */
  readonly texts = new Map<string, string>();
  private readonly remotes = new Map<string, Remote>();
  private readonly redraws = new Map<string, { last: number; timer?: ReturnType<typeof setTimeout> }>();
  private readonly sender = new T140Sender((block) => this.broadcast(block));
  /** What we typed so far, as our own box shows it. */
  private typed = '';

  /**
   * Opens the T.140 channel on a new connection. The offering side creates it; the other side
   * receives it through `ondatachannel`.
   *
   * Why not a simple-peer option: simple-peer 9 creates exactly one data channel (index.js,
   * `_pc.createDataChannel(this.channelName, this.channelConfig)` on the initiator) and, on the other
   * side, sets `_pc.ondatachannel` to adopt *whatever* channel arrives as its own (`_setupData`). A
   * second channel arriving there would replace simple-peer's channel and break chat and media
   * state. So we create ours on the underlying RTCPeerConnection (`peer._pc`), and on the answering
   * side wrap simple-peer's handler: a channel labelled or negotiated as "t140" is ours, any other
   * goes on to simple-peer. The SCTP association simple-peer's channel negotiated carries both;
   * opening ours is in-band (DCEP, RFC 8832) and needs no new offer.
   */
  attach({ peerId, pc, initiator }: PeerConnectionDetail) {
    if (initiator) {
      this.use(peerId, pc.createDataChannel(T140_LABEL, { protocol: T140_PROTOCOL, ordered: true }));
      return;
    }
    const simplePeers = pc.ondatachannel;
    pc.ondatachannel = (event: RTCDataChannelEvent) => {
      if (event.channel.protocol === T140_PROTOCOL || event.channel.label === T140_LABEL) this.use(peerId, event.channel);
      else simplePeers?.call(pc, event);
    };
  }

  /** The connection closed; the text stays on screen until the participant leaves. */
  detach(peerId: string) {
    const remote = this.remotes.get(peerId);
    this.remotes.delete(peerId);
    if (remote) remote.channel.onmessage = null;
  }

  /** The participant left the call: their text goes too. */
  forget(peerId: string) {
    this.detach(peerId);
    this.texts.delete(peerId);
    clearTimeout(this.redraws.get(peerId)?.timer);
    this.redraws.delete(peerId);
  }

  /** Our box now reads `value`: the difference goes out as T.140 (typing, erasing, correcting). */
  type(value: string) {
    const edit = encodeEdit(this.typed, value);
    this.typed = value;
    this.sender.write(edit);
  }

  /** Our own text, as we typed it. */
  get own() {
    return this.typed;
  }

  close() {
    this.sender.close();
    for (const peerId of [...this.remotes.keys()]) this.detach(peerId);
    for (const { timer } of this.redraws.values()) clearTimeout(timer);
  }

  private use(peerId: string, channel: RTCDataChannel) {
    this.detach(peerId);
    channel.binaryType = 'arraybuffer';
    const remote: Remote = { channel, decoder: new T140Decoder(), utf8: new TextDecoder('utf-8'), ready: false };
    this.remotes.set(peerId, remote);
    // Someone who joins while we type sees the line we are on: what is buffered goes to the others
    // first, then the newcomer gets the whole unfinished line at once.
    const catchUp = () => {
      if (this.remotes.get(peerId) !== remote || remote.ready) return;
      this.sender.flush();
      const line = this.typed.slice(this.typed.search(/[^\r\n]*$/));
      if (line) channel.send(toT140(line));
      remote.ready = true;
    };
    if (channel.readyState === 'open') catchUp();
    else channel.addEventListener('open', catchUp);
    // A new connection with someone whose text we already show: theirs continues on a new line.
    const shown = this.texts.get(peerId);
    if (shown && !shown.endsWith('\n')) this.texts.set(peerId, remote.decoder.apply(shown, LINE_SEPARATOR));
    channel.onmessage = ({ data }: MessageEvent<string | ArrayBuffer>) => {
      if (this.remotes.get(peerId) !== remote) return;
      // RFC 8865 §4.1 sends T.140 as WebRTC String messages; a binary message is read as UTF-8 too,
      // streaming, so a character split across two messages is not lost.
      const text = typeof data === 'string' ? data : remote.utf8.decode(data, { stream: true });
      this.texts.set(peerId, remote.decoder.apply(this.texts.get(peerId) ?? '', text));
      this.changed(peerId);
    };
  }

  private changed(peerId: string) {
    const redraw = this.redraws.get(peerId) ?? { last: -Infinity };
    this.redraws.set(peerId, redraw);
    if (redraw.timer !== undefined) return;
    const tell = () => {
      redraw.timer = undefined;
      redraw.last = performance.now();
      this.dispatchEvent(new CustomEvent<RttChangeDetail>('change', { detail: { peerId, text: this.texts.get(peerId) ?? '' } }));
    };
    const wait = redraw.last + REDRAW_MS - performance.now();
    if (wait <= 0) tell();
    else redraw.timer = setTimeout(tell, wait);
  }

  private broadcast(block: string) {
    for (const { channel, ready } of this.remotes.values()) {
      if (ready && channel.readyState === 'open') channel.send(block);
    }
  }
}

/**
 * Real-time text for a call's mesh: a T.140 channel on each connection the mesh opens (its
 * `peer-connection` event), let go when the connection closes, forgotten when the participant leaves.
 */
export function rttFor(mesh: EventTarget): RttChannels {
  const rtt = new RttChannels();
  mesh.addEventListener('peer-connection', (e) => rtt.attach((e as CustomEvent<PeerConnectionDetail>).detail));
  mesh.addEventListener('peer-closed', (e) => rtt.detach((e as CustomEvent<{ peerId: string }>).detail.peerId));
  mesh.addEventListener('leave', (e) => rtt.forget((e as CustomEvent<{ peerId: string }>).detail.peerId));
  return rtt;
}
