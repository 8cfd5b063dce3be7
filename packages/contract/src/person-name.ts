import { LinkifyIt } from 'linkify-it';
import tlds from 'tlds';
import { z } from 'zod';

/** Longer than any real name on a Belgian identity card, far too short for a phishing paragraph. */
export const NAME_MAX = 100;

/**
 * Control and format characters (a line break, a tab, a right-to-left override that reverses how a
 * domain reads) and the Unicode line and paragraph separators. Ordinary spaces stay allowed.
 */
const notOneLine = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Anything a mail client would turn into a link: a scheme, `www.`, an e-mail address or a bare
 * domain with a real top-level domain (`kbc-veilig.top`). The full IANA list, so `J.P. Dupont`
 * and `A.Janssens` stay names while `a.be` does not; linkify-it is what markdown-it uses to find links.
 */
const links = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true }).tlds(tlds);
const looksLikeLink = (value: string) => {
  // NFKC folds look-alikes such as the full-width dot (U+FF0E) into the ASCII ones a mail client links.
  const folded = value.normalize('NFKC');
  return /https?|www\.|:\/\//i.test(folded) || links.test(folded);
};

/**
 * A person's name as our mails repeat it to any address: one line, no control characters, no links
 * (issue 10: a name with line breaks and URLs made the municipality's own mail a phishing mail).
 * The widget maps these messages to its own texts, so keep their wording.
 */
export const personName = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1, 'please fill in a name')
  .max(NAME_MAX, `use at most ${NAME_MAX} characters`)
  .refine((value) => !notOneLine.test(value), 'must be one line without special characters')
  .refine((value) => !looksLikeLink(value), 'must not contain a link, web address or e-mail address');
