import type { StaffMember } from '../catalog/types.ts';

export type StaffRole = StaffMember['role'];
export type StaffAccount = Omit<StaffMember, 'active'>;

/**
 * How a staff member proves who they are. Sessions, roles and every route after sign-in only see the
 * `StaffAccount` a provider returns, so another provider (OIDC via the municipality's identity
 * server) can be added next to the password one without touching them.
 */
export interface IdentityProvider {
  /** Stored with the session, e.g. `password` or `oidc`. */
  readonly method: string;
  /**
   * Checks an e-mail address and password. Resolves to the active account, or undefined without
   * saying which part was wrong. Providers that sign in by redirect do not offer it.
   */
  verifyPassword?(email: string, password: string): Promise<StaffAccount | undefined>;
}
