import Router from '@koa/router';
import { totpCodeSchema, totpSignInSchema, type MfaStatus, type SignInOptions, type TotpSetup } from '@digitale-balie/contract';
import { HttpError } from '../http/errors.ts';
import { parseBody } from '../http/validation.ts';
import { currentSession, STAFF_PREFIX } from './gate.ts';
import { sessionInfo } from './session-info.ts';
import type { StaffSessions } from './sessions.ts';
import type { PasswordCheck } from './sign-in.ts';
import type { SignInSteps } from './sign-in-steps.ts';
import type { StaffTotp } from './totp.ts';

const wrongCode = () => new HttpError(401, 'invalid_code', 'This code is not correct (or was already used).');
/** Outside signing in a wrong code is a field to correct, not a missing sign-in. */
const wrongField = () => new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields: { code: 'is not the code your app shows now' } });
const noProviderMfa = () => new HttpError(409, 'provider_mfa', 'You sign in through the identity provider: its own second factor applies.');

/**
 * The second factor of local accounts and the sign-in options the console shows. Every code check
 * goes through the same throttle as a password (counted per account and address), so guessing the
 * six digits is as slow as guessing the password.
 */
export function mfaRoutes(deps: {
  totp: StaffTotp;
  sessions: StaffSessions;
  steps: SignInSteps;
  check: PasswordCheck;
  mfa: 'optional' | 'required';
  options: SignInOptions;
}) {
  const { totp, sessions, steps, check } = deps;
  const router = new Router({ prefix: STAFF_PREFIX });

  router.get('/sign-in-options', (ctx) => {
    ctx.body = deps.options;
  });

  /** The code (or a recovery code) after a right password; the session opens or moves to its next step. */
  router.post('/login/totp', async (ctx) => {
    const active = currentSession(ctx);
    if (active.session.pending !== 'totp') throw new HttpError(409, 'no_code_expected', 'No code is expected for this session.');
    const input = parseBody(ctx, totpSignInSchema);
    const staffId = active.account.id;
    await check(active.account.email, ctx.ip, async () => ('code' in input ? await totp.verify(staffId, input.code) : await totp.useRecoveryCode(staffId, input.recoveryCode)) || undefined, wrongCode);
    const id = await steps.advance(ctx, active);
    ctx.body = sessionInfo((await sessions.resolve(id, { touch: false }))!);
  });

  router.get('/mfa', async (ctx) => {
    const { account, session } = currentSession(ctx);
    ctx.body = {
      totp: await totp.enrolled(account.id),
      recoveryCodesLeft: await totp.recoveryCodesLeft(account.id),
      required: deps.mfa === 'required',
      provider: session.method !== 'password',
    } satisfies MfaStatus;
  });

  /** A new secret to scan; the enrolled one (if any) keeps working until the new one is confirmed. */
  router.post('/mfa/totp/setup', async (ctx) => {
    const { account, session } = currentSession(ctx);
    if (session.method !== 'password') throw noProviderMfa();
    const { secret, uri, qrSvg } = await totp.begin(account.id, account.email);
    ctx.body = { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString('base64')}` } satisfies TotpSetup;
  });

  /** The first code from the app: answers the ten recovery codes (shown once) and the session. */
  router.post('/mfa/totp/confirm', async (ctx) => {
    const active = currentSession(ctx);
    if (active.session.method !== 'password') throw noProviderMfa();
    const { code } = parseBody(ctx, totpCodeSchema);
    const recoveryCodes = await check(active.account.email, ctx.ip, () => totp.confirm(active.account.id, code), wrongField);
    const id = active.session.pending ? await steps.advance(ctx, active) : active.id;
    ctx.body = { recoveryCodes, session: sessionInfo((await sessions.resolve(id, { touch: false }))!) };
  });

  /** Turning the factor off needs a current code; not while STAFF_MFA=required. */
  router.post('/mfa/totp/remove', async (ctx) => {
    const { account } = currentSession(ctx);
    if (deps.mfa === 'required') throw new HttpError(409, 'mfa_required', 'Two-step sign-in is required on this server.');
    const { code } = parseBody(ctx, totpCodeSchema);
    await check(account.email, ctx.ip, async () => (await totp.verify(account.id, code)) || undefined, wrongField);
    await totp.remove(account.id);
    ctx.status = 204;
  });

  return router;
}
