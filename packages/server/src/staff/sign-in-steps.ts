import type { Context } from 'koa';
import type { AccountRow, AccountsStore } from './accounts-store.ts';
import type { SessionCookie } from './session-cookie.ts';
import type { ActiveSession, SignInStep, StaffSessions } from './sessions.ts';

/**
 * What a local sign-in still needs after a right password, in this order: the TOTP code (when
 * enrolled), a password of one's own (an account a beheerder created with a temporary one), then
 * enrolling a second factor (STAFF_MFA=required and none yet). OIDC sign-ins have none of these:
 * the provider does its own MFA and no password of ours exists.
 */
export function signInSteps(deps: { accounts: AccountsStore; sessions: StaffSessions; cookie: SessionCookie; mfa: 'optional' | 'required' }) {
  const { accounts, sessions, cookie } = deps;

  function after(step: SignInStep | 'start', account: AccountRow): SignInStep | null {
    if (step === 'start' && account.totp) return 'totp';
    if ((step === 'start' || step === 'totp') && account.mustChangePassword) return 'password';
    if (step !== 'totp-enrol' && deps.mfa === 'required' && !account.totp) return 'totp-enrol';
    return null;
  }

  return {
    /** The first step after a right password, or null: the session opens at once. */
    first: async (staffId: string): Promise<SignInStep | null> => after('start', (await accounts.get(staffId))!),

    /**
     * The session's current step is done: it waits for the next one, or (the last one done) is
     * replaced by a full session under a new id and cookie. Answers the session id now in force.
     */
    async advance(ctx: Context, active: ActiveSession & { id: string }): Promise<string> {
      const account = (await accounts.get(active.account.id))!;
      const next = active.session.pending ? after(active.session.pending, account) : null;
      if (next) {
        await sessions.wait(active.id, next);
        return active.id;
      }
      const { id } = await sessions.complete(active.id, active.account, active.session.method);
      cookie.write(ctx, id);
      return id;
    },
  };
}

export type SignInSteps = ReturnType<typeof signInSteps>;
