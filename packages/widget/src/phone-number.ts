import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as people type it, read as the server reads it (libphonenumber-js with its full
 * metadata, Belgian without a prefix): international form to send, grouped to read back, and
 * whether it can receive an SMS. Import this module lazily: its metadata must stay out of the
 * booking entry chunk.
 */
export function readPhone(value: string): { number: string; text: string; mobile: boolean } | undefined {
  const parsed = parsePhoneNumberFromString(value, 'BE');
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  return { number: parsed.number, text: parsed.formatInternational(), mobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' };
}
