import { HttpError } from '../http/errors.ts';
import type { HashGate } from './hash-gate.ts';
import type { IdentityProvider } from './identity.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SignInStep, StaffSessions } from './sessions.ts';

type PasswordCheckDeps = { throttle: LoginThrottle; gate: HashGate; log: (message: string) => void };

/**
 * One throttled password check, for sign-in and for the current password of a password change:
 * a place in the hash gate first (503 when full, counted nowhere), then the throttle (429 when
 * locked), then the check itself after the throttle's slowdown. Resolves to what `check` found;
 * a falsy result throws the throttle's 401 or 429.
 */
export function throttledPasswordCheck(deps: PasswordCheckDeps) {
  const { throttle, gate } = deps;
  return async function check<T>(email: string, ip: string, verify: () => Promise<T | undefined>, wrong?: () => HttpError): Promise<T> {
    const place = gate.enter();
    let delayMs: number;
    try {
      ({ delayMs } = await throttle.begin(email, ip));
    } catch (error) {
      place.leave();
      throw error;
    }
    const result = await place.run(verify, delayMs);
    if (!result) {
      const error = await throttle.failure(email, ip);
      if (error.status === 429) {
        deps.log(`staff sign-in locked after repeated failures from ${ip}`);
        throw error;
      }
      throw wrong?.() ?? error;
    }
    await throttle.succeeded(email, ip);
    return result;
  };
}

export type PasswordCheck = ReturnType<typeof throttledPasswordCheck>;

/** Sign-in with e-mail and password, throttled per account and client address; returns the new session id. */
export function passwordSignIn(deps: { identity: IdentityProvider; check: PasswordCheck; sessions: StaffSessions; firstStep?: (staffId: string) => Promise<SignInStep | null> }) {
  const { identity, check, sessions } = deps;
  return async function signIn(input: { email: string; password: string }, ip: string): Promise<{ id: string }> {
    const verifyPassword = identity.verifyPassword?.bind(identity);
    if (!verifyPassword) throw new HttpError(403, 'local_sign_in_disabled', 'Sign-in with a password is switched off here: use the identity provider.');
    const account = await check(input.email, ip, () => verifyPassword(input.email, input.password));
    // A right password may still leave a step (the code, one's own password, enrolment): the session waits for it.
    return sessions.start(account, identity.method, { pending: (await deps.firstStep?.(account.id)) ?? null });
  };
}
