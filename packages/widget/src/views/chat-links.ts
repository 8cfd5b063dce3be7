import { LinkifyIt } from 'linkify-it';

/** A piece of a chat message: plain text, or an http(s) link with the text it was written as. */
export type ChatPart = string | { href: string; text: string };

/**
 * Only addresses written out with `http://` or `https://` become links: no bare domains, no e-mail
 * addresses, no `mailto:`, `ftp:` or protocol-relative `//` (`add(…, null)` switches a default schema off).
 * linkify-it (markdown-it's link finder) knows where an address ends, so the full stop, comma or
 * closing parenthesis of the sentence around it stays text (issue 11: a hand-written pattern took
 * the period of "…op https://www.wilsede.be/premies." into the link).
 */
const links = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false }).add('mailto:', null).add('ftp:', null).add('//', null);

/** Splits a chat text into text and links, in order; the text of every part joins back to `text`. */
export function chatParts(text: string): ChatPart[] {
  const parts: ChatPart[] = [];
  let at = 0;
  for (const match of links.match(text) ?? []) {
    // Belt and braces: whatever linkify-it normalised, only http(s) may reach an href.
    if (!/^https?:\/\//i.test(match.url)) continue;
    if (match.index > at) parts.push(text.slice(at, match.index));
    parts.push({ href: match.url, text: match.raw });
    at = match.lastIndex;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
