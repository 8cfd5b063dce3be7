import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The ~49 000 most common passwords of zxcvbn-ts's list (leaked password sets, several languages:
 * `wachtwoord`, `motdepasse` and `passwort` are in it). NIST SP 800-63B §3.1.1.2 asks to refuse
 * passwords found in such lists. Built on first use: the console only needs it when a password is set.
 */
let common: Set<string> | undefined;

/**
 * True for a password of the list, ignoring case, also with digits or symbols only added at the end
 * (`Password2027!`): the commonest way of meeting a length rule with a common word.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common']);
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  return common.has(lower) || (stem.length > 0 && common.has(stem));
}
