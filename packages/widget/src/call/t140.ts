/**
 * Real-time text as ITU-T T.140 defines it, carried as RFC 8865 describes for WebRTC data channels
 * (https://www.rfc-editor.org/rfc/rfc8865): UTF-8 text sent as it is typed, where a few characters
 * are edits rather than text. This file holds only the text rules (no channel, no DOM), so the same
 * code runs in the call, in the tests and in the benchmark. The protocol as a whole is described in
 * docs/real-time-text.md.
 */

/** T.140 §5.1: erases the last character shown. */
export const BACKSPACE = '\u0008';
/** T.140 §5.2: the new line T.140 sends; CR LF (and a bare LF or CR, or NEL) is read as one too. */
export const LINE_SEPARATOR = '\u2028';
/** T.140 §5.6: ZERO WIDTH NO-BREAK SPACE, used as a keep-alive by some senders; shows nothing. */
export const BOM = '\uFEFF';
/** RFC 8865 §4.4 (and RFC 4103): shown where text may have been lost. */
export const MISSING_TEXT = '\uFFFD';
/**
 * T.140's transmission interval: text is gathered this long at most before it is sent, so the other
 * side's display changes at most this often (RFC 8865 §4.3: a sender SHOULD buffer 300 ms).
 */
export const TRANSMISSION_INTERVAL_MS = 300;

/** The newline of the text we show: T.140's LINE SEPARATOR, CR LF, LF, CR and NEL all become this. */
const NEWLINE = '\n';

/** C0 and C1 control characters and DEL: T.140 control functions, never text to show. */
const isControl = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
};

/** Code points, not UTF-16 units: one BACKSPACE erases one code point, whatever its size in UTF-8. */
const codePoints = (text: string) => Array.from(text).length;

/** Drops the last code point (a surrogate pair is one: "😀" is erased whole, never split in half). */
export function eraseLast(text: string): string {
  if (!text) return text;
  const last = text.charCodeAt(text.length - 1);
  const before = text.length > 1 ? text.charCodeAt(text.length - 2) : 0;
  const pair = last >= 0xdc00 && last <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
  return text.slice(0, pair ? -2 : -1);
}

/**
 * What to send when the typed text changed from `before` to `after`: a BACKSPACE per code point
 * after the part both share, then what is new, with new lines as LINE SEPARATOR. T.140 can only
 * erase from the end, so a correction earlier in the text is sent as erasing back to it and typing
 * the rest again: the other side sees exactly the text we see.
 */
export function encodeEdit(before: string, after: string): string {
  let shared = 0;
  const max = Math.min(before.length, after.length);
  while (shared < max && before.charCodeAt(shared) === after.charCodeAt(shared)) shared++;
  // Never split a surrogate pair: back up to the start of the code point.
  const unit = before.charCodeAt(shared - 1);
  if (shared > 0 && unit >= 0xd800 && unit <= 0xdbff) shared--;
  const erased = codePoints(before.slice(shared));
  return BACKSPACE.repeat(erased) + toT140(after.slice(shared));
}

/**
 * Typed text as T.140: new lines as LINE SEPARATOR; other control characters are left out (they
 * would be read as T.140 control functions: BACKSPACE, an escape sequence, the alert).
 */
export function toT140(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?|\n/g, LINE_SEPARATOR).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\t' ? ' ' : ''));
}

/**
 * Applies T.140 text to what is shown for one sender. Stateful, because a sender may split a CR LF
 * pair or an escape sequence across two messages: keep one decoder per sender and channel.
 *
 * - BACKSPACE erases the last code point shown (a new line too: T.140 leaves that to the receiver,
 *   and erasing it keeps both sides' text the same).
 * - LINE SEPARATOR, CR LF, LF, CR and NEL each start a new line.
 * - BOM (keep-alive), BEL (alert), and the other C0/C1 controls show nothing; escape sequences
 *   (ESC [ … final byte, e.g. SGR colours; ESC + one character; SOS … ST) are skipped whole.
 */
export class T140Decoder {
  /** The previous character was CR: an LF right after it belongs to the same new line. */
  private afterCr = false;
  /** Inside an escape sequence: 'esc' after ESC, 'csi' after ESC [, 'sos' inside SOS … ST. */
  private escape: 'esc' | 'csi' | 'sos' | 'sos-esc' | null = null;

  constructor(
    /** The most a sender's text may grow to: older text is dropped from the start beyond this. */
    private readonly maxLength = 20_000,
  ) {}

  apply(shown: string, received: string): string {
    let text = shown;
    for (const c of received) {
      const afterCr = this.afterCr;
      this.afterCr = false;
      if (this.escape) {
        this.skipEscape(c);
        continue;
      }
      if (c === BACKSPACE) text = eraseLast(text);
      else if (c === LINE_SEPARATOR || c === '\u0085' || c === '\r') {
        text += NEWLINE;
        this.afterCr = c === '\r';
      } else if (c === '\n') {
        if (!afterCr) text += NEWLINE;
      } else if (c === '\u001b') this.escape = 'esc';
      else if (c === '\u0098') this.escape = 'sos';
      else if (c === '\u009b') this.escape = 'csi';
      else if (c === BOM || isControl(c)) continue;
      else text += c;
    }
    return text.length > this.maxLength ? trimStart(text, this.maxLength) : text;
  }

  private skipEscape(c: string) {
    const code = c.codePointAt(0)!;
    if (this.escape === 'sos' || this.escape === 'sos-esc') {
      // SOS … ST (C1 0x9C, or ESC \): a string that is not text, e.g. T.140's "INT" sequence.
      if (c === '\u009c' || (this.escape === 'sos-esc' && c === '\\')) this.escape = null;
      else this.escape = c === '\u001b' ? 'sos-esc' : 'sos';
      return;
    }
    if (this.escape === 'esc') {
      this.escape = c === '[' ? 'csi' : c === 'X' ? 'sos' : null;
      return;
    }
    // CSI: parameter and intermediate bytes, until a final byte 0x40–0x7E.
    if (code >= 0x40 && code <= 0x7e) this.escape = null;
    else if (code < 0x20 || code > 0x3f) this.escape = null;
  }
}

/** Keeps the last `max` units, starting at a whole line where one is near, never inside a pair. */
function trimStart(text: string, max: number): string {
  let cut = text.length - max;
  const newline = text.indexOf(NEWLINE, cut);
  if (newline !== -1 && newline - cut < 200) cut = newline + 1;
  const unit = text.charCodeAt(cut);
  if (unit >= 0xdc00 && unit <= 0xdfff) cut++;
  return text.slice(cut);
}

/**
 * The sender's buffer: what is typed within one transmission interval goes out as one message.
 * The first keystroke after a quiet interval goes at once; keystrokes that follow wait for the
 * interval to end. So a character is sent at most 300 ms after it was typed, and the other side's
 * display changes at most every 300 ms.
 */
export class T140Sender {
  private pending = '';
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly transmit: (block: string) => void,
    private readonly intervalMs = TRANSMISSION_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  write(text: string) {
    if (!text) return;
    this.pending += text;
    if (this.timer !== undefined) return;
    const wait = this.lastSent + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is buffered now (also when the call ends, so the last keystrokes are not lost). */
  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const block = this.pending;
    this.pending = '';
    this.lastSent = this.now();
    this.transmit(block);
  }

  close() {
    this.flush();
  }
}
