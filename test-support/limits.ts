/**
 * The public routes' limits for test servers. The suites book hundreds of appointments from
 * 127.0.0.1, many with one e-mail address, so a test server lifts the limits by default (0: none);
 * a test about the limits passes `productionLimits` (or its own numbers) in `env`.
 */
export const generousLimits: Record<string, string> = {
  MAX_BOOKINGS_PER_EMAIL: '0',
  RATE_LIMIT_BOOKINGS_PER_ADDRESS: '0',
  RATE_LIMIT_CHANGES_PER_ADDRESS: '0',
  RATE_LIMIT_CHANGES_PER_LINK: '0',
  RATE_LIMIT_UPLOADS_PER_ADDRESS: '0',
  RATE_LIMIT_UPLOADS_PER_LINK: '0',
};

/** The defaults an operator gets: an empty variable counts as unset (see loadConfig). */
export const productionLimits: Record<string, string> = Object.fromEntries(Object.keys(generousLimits).map((name) => [name, '']));
