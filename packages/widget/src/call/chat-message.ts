/** A chat message as peers send it over the data channel; the server never sees it. */
export interface ChatMessage {
  kind: 'chat';
  /** Shown as the sender: always the name the server lists for that peer, never what the message says. */
  from: string;
  text: string;
  /** ISO 8601. */
  at: string;
}

/** The longest text a message may carry (the chat input's own maxlength). */
export const MAX_CHAT_TEXT = 2000;
/** 2000 characters are at most ~12 KB as escaped JSON: a bigger frame is not ours, and is not parsed. */
const MAX_FRAME_BYTES = 16 * 1024;
/** A sender's clock may be off by this much before its time is replaced by ours. */
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
/** Control characters but tab and line feed: they only garble the list. */
const CONTROL = /[^\P{Cc}\t\n]/gu;

/**
 * Reads what another participant sent over the data channel, field by field. Any peer can send
 * anything: a message that is not a chat message is dropped, and a bad field is repaired rather than
 * handed to the view (an `at` that is no date once made `Intl.DateTimeFormat` throw and the chat
 * panel of every recipient stop rendering). Returns undefined for anything that is not a chat message.
 */
export function readChatMessage(data: Uint8Array | string, from: string, now: () => Date = () => new Date()): ChatMessage | undefined {
  const size = typeof data === 'string' ? data.length : data.byteLength;
  if (size > MAX_FRAME_BYTES) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const { kind, text, at } = message as Record<string, unknown>;
  if (kind !== 'chat' || typeof text !== 'string') return undefined;
  const clean = text.replace(CONTROL, '').trim().slice(0, MAX_CHAT_TEXT);
  if (!clean) return undefined;
  return { kind: 'chat', from, text: clean, at: readTime(at, now()) };
}

/** The sender's time when it is a date near ours, else the time it arrived. */
function readTime(at: unknown, received: Date): string {
  const time = typeof at === 'string' && at.length <= 40 ? Date.parse(at) : NaN;
  return Number.isFinite(time) && Math.abs(time - received.getTime()) <= MAX_CLOCK_SKEW_MS ? new Date(time).toISOString() : received.toISOString();
}
