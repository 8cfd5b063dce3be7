/**
 * What a screen reader hears of the others' real-time text (EN 301 549 6.2.2): reading every
 * keystroke aloud would drown the voice of the call, so this says who started typing, each line
 * when it is finished, and what was typed when the typing pauses; never more often than once per
 * `gapMs`, joining what came in between.
 */
export interface RttAnnouncerTexts {
  /** "Marie Claes typt" */
  started: (name: string) => string;
  /** "Marie Claes: goedemorgen" */
  said: (name: string, text: string) => string;
}

type Stream = {
  /** How much of the text was read out already. */
  read: number;
  last: number;
  pause?: ReturnType<typeof setTimeout>;
};

export class RttAnnouncer {
  private readonly streams = new Map<string, Stream>();
  private queue: string[] = [];
  private lastSaid = -Infinity;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly say: (text: string) => void,
    private readonly texts: RttAnnouncerTexts,
    private readonly opts: { gapMs?: number; pauseMs?: number; quietMs?: number; now?: () => number } = {},
  ) {}

  private get now() {
    return (this.opts.now ?? (() => performance.now()))();
  }

  /** `peerId`'s text now reads `text`. */
  update(peerId: string, name: string, text: string) {
    const stream = this.streams.get(peerId) ?? { read: 0, last: -Infinity };
    this.streams.set(peerId, stream);
    // Erased back past what was read: read again from there.
    stream.read = Math.min(stream.read, text.length);
    const quiet = this.now - stream.last >= (this.opts.quietMs ?? 5_000);
    stream.last = this.now;
    const end = text.lastIndexOf('\n');
    if (end >= stream.read) {
      for (const line of text.slice(stream.read, end).split('\n')) if (line.trim()) this.queue.push(this.texts.said(name, line.trim()));
      stream.read = end + 1;
    } else if (quiet && text.length > stream.read) this.queue.push(this.texts.started(name));
    clearTimeout(stream.pause);
    stream.pause = setTimeout(() => this.paused(peerId, name, text), this.opts.pauseMs ?? 2_000);
    this.drain();
  }

  forget(peerId: string) {
    clearTimeout(this.streams.get(peerId)?.pause);
    this.streams.delete(peerId);
  }

  close() {
    clearTimeout(this.timer);
    for (const { pause } of this.streams.values()) clearTimeout(pause);
  }

  /** Typing stopped mid-line: read what is new of it. */
  private paused(peerId: string, name: string, text: string) {
    const stream = this.streams.get(peerId);
    if (!stream) return;
    const rest = text.slice(stream.read).trim();
    stream.read = text.length;
    if (rest) this.queue.push(this.texts.said(name, rest));
    this.drain();
  }

  private drain() {
    if (!this.queue.length || this.timer !== undefined) return;
    const wait = this.lastSaid + (this.opts.gapMs ?? 1_500) - this.now;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      return;
    }
    this.lastSaid = this.now;
    const text = this.queue.join(' ');
    this.queue = [];
    this.say(text);
  }
}
