import { z } from 'zod';
import type { Role } from './staff.ts';

// ---- Answers ----

/** A step a half-open session still waits for (see SessionInfo.pending). */
export type SignInStep = 'totp' | 'password' | 'totp-enrol';

/** GET /api/staff/sign-in-options: which ways to sign in the console offers. */
export interface SignInOptions {
  /** E-mail address and password (STAFF_LOCAL_LOGIN). */
  local: boolean;
  /** The OpenID provider's button, "Aanmelden met <name>"; null without OIDC. */
  oidc: { name: string; startUrl: string } | null;
}

/** POST /api/staff/mfa/totp/setup: the secret to scan (an SVG QR code) or type. */
export interface TotpSetup {
  secret: string;
  uri: string;
  /** `data:image/svg+xml;base64,…`, for an <img> under the console's CSP. */
  qrDataUrl: string;
}

/** GET /api/staff/mfa. */
export interface MfaStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  /** STAFF_MFA=required: the factor cannot be removed. */
  required: boolean;
  /** Signed in through the OpenID provider: its own MFA applies, ours does not. */
  provider: boolean;
}

/** POST /api/staff/accounts/:id/password-link: the one-time link for the beheerder to pass on. */
export interface PasswordResetLink {
  url: string;
  expiresAt: string;
}

/** POST /api/staff/logout of an OIDC session (200; other sessions answer 204): the provider's end-session page to go to. */
export interface SignedOut {
  redirectTo: string;
}

// ---- Requests ----

const totpCode = z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the app shows');

/** POST /api/staff/login/totp: the app's code, or one recovery code. */
export const totpSignInSchema = z.union([
  z.strictObject({ code: totpCode }),
  z.strictObject({ recoveryCode: z.string().trim().min(8).max(20) }),
]);
export type TotpSignInRequest = z.input<typeof totpSignInSchema>;

/** POST /api/staff/mfa/totp/confirm and /remove. */
export const totpCodeSchema = z.strictObject({ code: totpCode });

/** PATCH /api/staff/accounts/:id (beheerder): role, active, or both. */
export const updateAccountSchema = z
  .strictObject({ role: z.enum(['medewerker', 'beheerder']).optional(), active: z.boolean().optional() })
  .refine((p) => p.role !== undefined || p.active !== undefined, 'send role, active or both');
export type UpdateAccountRequest = z.input<typeof updateAccountSchema> & { role?: Role };
