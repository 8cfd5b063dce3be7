import {
  changePasswordSchema as changePasswordShape,
  createAccountSchema as createAccountShape,
  setPasswordSchema as setPasswordShape,
} from '@digitale-balie/contract';
import type { z } from 'zod';
import { isCommonPassword } from './common-passwords.ts';

/**
 * The request shapes are the contract's (packages/contract); a new password must also not be on a
 * list of common passwords (NIST SP 800-63B §3.1.1.2), a rule that needs the server's list.
 */
const notCommon =
  <K extends string>(key: K) =>
  (value: Record<K, string>, ctx: z.RefinementCtx) => {
    if (isCommonPassword(value[key])) ctx.addIssue({ code: 'custom', path: [key], message: 'is on a list of common passwords: choose another' });
  };

export const createAccountSchema = createAccountShape.superRefine(notCommon('password'));
export const changePasswordSchema = changePasswordShape.superRefine(notCommon('newPassword'));
export const setPasswordSchema = setPasswordShape.superRefine(notCommon('newPassword'));
/**
 * One new password on its own (the admin command reads it from stdin). Not `setPasswordSchema.shape`:
 * a refinement on an object does not travel with one of its fields.
 */
export const newPasswordSchema = setPasswordShape.shape.newPassword.superRefine((value, ctx) => {
  if (isCommonPassword(value)) ctx.addIssue({ code: 'custom', message: 'is on a list of common passwords: choose another' });
});
