import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

/** Our ids (services, questions, documents, staff): what fits in a URL segment without escaping. */
export const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'must contain only letters, digits, - and _');
export const date = z.iso.date({ message: 'must be a date such as 2027-03-29' });
export const dateTime = z.iso.datetime({ message: 'must be a date and time such as 2027-03-29T07:00:00.000Z' });
/** Required text: trimmed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1, 'please fill this in').max(max, `use at most ${max} characters`);

/**
 * A phone number as people type it (Belgian without prefix, or international), stored in
 * international form (+32470123456): what a `tel:` link and an SMS provider need. '' stays ''.
 * libphonenumber-js's full metadata, so it can also tell a mobile number from a fixed line.
 */
export const phoneNumber = z
  .string()
  .trim()
  .max(32)
  .transform((value, ctx) => {
    if (value === '') return '';
    const parsed = parsePhoneNumberFromString(value, 'BE');
    if (parsed?.isValid()) return parsed.number;
    ctx.addIssue({ code: 'custom', message: 'must be a valid phone number such as 0470 12 34 56' });
    return z.NEVER;
  });

/** True for a number that can receive an SMS (some countries cannot tell mobile from fixed: allowed). */
export const isMobileNumber = (international: string) => {
  const type = parsePhoneNumberFromString(international)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
};
