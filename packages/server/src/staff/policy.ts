/** Session, sign-in and live-update limits of the staff console. */
export interface StaffPolicy {
  /** A session ends this long after sign-in, whatever the activity. */
  sessionAbsoluteMs: number;
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** Failed sign-ins for one account from one IP before it is locked. */
  maxLoginFailures: number;
  /** How long such a lock lasts; failures older than this are forgotten. */
  lockoutMs: number;
  /** Comment lines on the event stream keep proxies from closing an idle connection. */
  heartbeatMs: number;
  minPasswordLength: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export const defaultStaffPolicy = {
  sessionAbsoluteMs: 8 * HOUR,
  sessionIdleMs: 2 * HOUR,
  maxLoginFailures: 5,
  lockoutMs: 15 * MINUTE,
  heartbeatMs: 25_000,
  minPasswordLength: 10,
} satisfies StaffPolicy;
