import { MIN_PASSWORD_LENGTH } from '@digitale-balie/contract';

/** Session, sign-in and live-update limits of the staff console. */
export interface StaffPolicy {
  /** A session ends this long after sign-in, whatever the activity. */
  sessionAbsoluteMs: number;
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** Failed sign-ins for one account from one IP before it is locked. */
  maxLoginFailures: number;
  /** Failed sign-ins from one client address, whatever the accounts, before the address is locked. */
  maxAddressFailures: number;
  /** How long such a lock lasts; failures older than this are forgotten. */
  lockoutMs: number;
  /** Failures of one account (from any address) within `lockoutMs` before its checks slow down. */
  slowdownAfterFailures: number;
  /** The first slowed-down check waits this long; each further failure doubles it, up to `slowdownMaxMs`. */
  slowdownBaseMs: number;
  slowdownMaxMs: number;
  /** Password hashes (sign-in, password change, new account) running at once, and checks waiting for one. */
  hashConcurrency: number;
  hashQueue: number;
  /** How often old failure rows are purged (also once at start). */
  purgeIntervalMs: number;
  /** Comment lines on the event stream keep proxies from closing an idle connection. */
  heartbeatMs: number;
  minPasswordLength: number;
  /** A session that still waits for a step (the TOTP code, a password of one's own) ends this soon. */
  pendingStepMs: number;
  /** OIDC sign-ins not completed within this time are refused (state, nonce and verifier are gone). */
  oidcFlowMs: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export const defaultStaffPolicy = {
  sessionAbsoluteMs: 8 * HOUR,
  sessionIdleMs: 2 * HOUR,
  maxLoginFailures: 5,
  maxAddressFailures: 20,
  lockoutMs: 15 * MINUTE,
  slowdownAfterFailures: 5,
  slowdownBaseMs: 250,
  slowdownMaxMs: 4000,
  hashConcurrency: 4,
  hashQueue: 32,
  purgeIntervalMs: 10 * MINUTE,
  heartbeatMs: 25_000,
  minPasswordLength: MIN_PASSWORD_LENGTH,
  pendingStepMs: 10 * MINUTE,
  oidcFlowMs: 10 * MINUTE,
} satisfies StaffPolicy;
