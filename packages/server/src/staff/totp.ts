import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Db } from '../db/database.ts';

/** RFC 6238 defaults, the only ones every authenticator app reads from a QR code. */
const PERIOD = 30;
const DIGITS = 6;
const ISSUER = 'Digitale Balie';
export const RECOVERY_CODES = 10;

const hashCode = (code: string) => createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
/** Recovery codes are read off paper: case, spaces and dashes do not matter. */
export const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * TOTP secrets are sealed with a key derived from TOKEN_SECRET (AES-256-GCM): a copy of the
 * database alone cannot produce codes. The key never leaves this process.
 */
function sealer(tokenSecret: string) {
  const key = Buffer.from(hkdfSync('sha256', tokenSecret, 'digitale-balie', 'staff-totp-secret', 32));
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
    },
    open(sealed: string): string {
      const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * Second factor for local accounts: enrolment (a secret shown as a QR code, confirmed with a first
 * code), checking a code (each time step works once, one step of clock drift either way) and ten
 * recovery codes, shown once, stored as SHA-256, each deleted when used.
 */
export function staffTotp(db: Db, opts: { tokenSecret: string; now: () => Date }) {
  const { seal, open } = sealer(opts.tokenSecret);
  const get = (staffId: string) =>
    db.q
      .selectFrom('staff')
      .select(['totp_secret as secret', 'totp_pending_secret as pending', 'totp_last_step as lastStep'])
      .where('id', '=', staffId)
      .executeTakeFirst();
  const clearCodes = async (staffId: string) => {
    await db.q.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  };

  const totpFor = (secret: string, label: string) =>
    new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });

  /** The time step a code belongs to, or undefined when it is not valid now (±1 step). */
  const stepOf = (secret: string, code: string): number | undefined => {
    if (!/^\d{6}$/.test(code)) return undefined;
    const timestamp = opts.now().getTime();
    const delta = totpFor(secret, '').validate({ token: code, timestamp, window: 1 });
    return delta === null ? undefined : Math.floor(timestamp / 1000 / PERIOD) + delta;
  };

  const newRecoveryCodes = (staffId: string): Promise<string[]> =>
    db.transaction(async () => {
      await clearCodes(staffId);
      const codes = Array.from({ length: RECOVERY_CODES }, () => {
        // 50 bits in base32 (no 0/1/8/9 to misread), as xxxxx-xxxxx.
        const raw = new Secret({ size: 7 }).base32.slice(0, 10).toLowerCase();
        return `${raw.slice(0, 5)}-${raw.slice(5)}`;
      });
      await db.q
        .insertInto('staff_recovery_codes')
        .values(codes.map((code) => ({ staff_id: staffId, code_hash: hashCode(code) })))
        .execute();
      return codes;
    });

  return {
    enrolled: async (staffId: string) => (await get(staffId))?.secret != null,
    recoveryCodesLeft: async (staffId: string) =>
      Number(
        (
          await db.q
            .selectFrom('staff_recovery_codes')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('staff_id', '=', staffId)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    /** A new secret waiting for its first code; the enrolled one (if any) keeps working until then. */
    async begin(staffId: string, email: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
      const secret = new Secret({ size: 20 }).base32;
      await db.q.updateTable('staff').set({ totp_pending_secret: seal(secret) }).where('id', '=', staffId).execute();
      const uri = totpFor(secret, email).toString();
      const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, uri, qrSvg };
    },

    /** The first code from the app confirms the secret; answers the recovery codes, or undefined for a wrong code. */
    confirm: (staffId: string, code: string): Promise<string[] | undefined> =>
      db.transaction(async () => {
        const pending = (await get(staffId))?.pending;
        if (!pending) return undefined;
        const secret = open(pending);
        const step = stepOf(secret, code);
        if (step === undefined) return undefined;
        await db.q
          .updateTable('staff')
          .set({ totp_secret: seal(secret), totp_pending_secret: null, totp_last_step: step })
          .where('id', '=', staffId)
          .execute();
        return newRecoveryCodes(staffId);
      }),

    /** True when the code is valid now and its time step was not used before. */
    verify: (staffId: string, code: string): Promise<boolean> =>
      db.transaction(async () => {
        const sealed = (await get(staffId))?.secret;
        if (!sealed) return false;
        const step = stepOf(open(sealed), code);
        if (step === undefined) return false;
        // Only a later step than the last one used: a code seen over a shoulder cannot be replayed.
        const result = await db.q
          .updateTable('staff')
          .set({ totp_last_step: step })
          .where('id', '=', staffId)
          .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    /** Uses a recovery code up; true when it was one of this account's. */
    useRecoveryCode: async (staffId: string, code: string) =>
      Number(
        (await db.q.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).where('code_hash', '=', hashCode(code)).executeTakeFirst())
          .numDeletedRows,
      ) === 1,

    /** Removes the second factor and its recovery codes. */
    remove: (staffId: string): Promise<void> =>
      db.transaction(async () => {
        await db.q
          .updateTable('staff')
          .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null })
          .where('id', '=', staffId)
          .execute();
        await clearCodes(staffId);
      }),
  };
}

export type StaffTotp = ReturnType<typeof staffTotp>;
