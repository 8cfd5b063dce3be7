import { HttpError } from '../http/errors.ts';
import type { IdentityProvider } from './identity.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { StaffSessions } from './sessions.ts';

/** Sign-in with e-mail and password, throttled per account and IP; returns the new session id. */
export function passwordSignIn(deps: { identity: IdentityProvider; throttle: LoginThrottle; sessions: StaffSessions; log: (message: string) => void }) {
  const { identity, throttle, sessions } = deps;
  return async function signIn(input: { email: string; password: string }, ip: string): Promise<{ id: string }> {
    if (!identity.verifyPassword) throw new HttpError(404, 'not_found', 'Password sign-in is not enabled.');
    throttle.begin(input.email, ip);
    const account = await identity.verifyPassword(input.email, input.password);
    if (!account) {
      const error = throttle.failure(input.email, ip);
      if (error.status === 429) deps.log(`staff sign-in locked after repeated failures from ${ip}`);
      throw error;
    }
    throttle.succeeded(input.email, ip);
    return sessions.start(account, identity.method);
  };
}
