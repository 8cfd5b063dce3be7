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
  const s = {
    get: db.prepare<[string], { secret: string | null; pending: string | null; lastStep: number | null }>(
      'SELECT totp_secret AS secret, totp_pending_secret AS pending, totp_last_step AS lastStep FROM staff WHERE id = ?',
    ),
    setPending: db.prepare<[string | null, string]>('UPDATE staff SET totp_pending_secret = ? WHERE id = ?'),
    enrol: db.prepare<[string, number, string]>('UPDATE staff SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ? WHERE id = ?'),
    remove: db.prepare<[string]>('UPDATE staff SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = ?'),
    // Only a later step than the last one used: a code seen over a shoulder cannot be replayed.
    use: db.prepare<[number, string, number]>('UPDATE staff SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)'),
    clearCodes: db.prepare<[string]>('DELETE FROM staff_recovery_codes WHERE staff_id = ?'),
    addCode: db.prepare<[string, string]>('INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)'),
    takeCode: db.prepare<[string, string]>('DELETE FROM staff_recovery_codes WHERE staff_id = ? AND code_hash = ?'),
    countCodes: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM staff_recovery_codes WHERE staff_id = ?'),
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

  const newRecoveryCodes = db.transaction((staffId: string): string[] => {
    s.clearCodes.run(staffId);
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      // 50 bits in base32 (no 0/1/8/9 to misread), as xxxxx-xxxxx.
      const raw = new Secret({ size: 7 }).base32.slice(0, 10).toLowerCase();
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    for (const code of codes) s.addCode.run(staffId, hashCode(code));
    return codes;
  });

  return {
    enrolled: (staffId: string) => s.get.get(staffId)?.secret != null,
    recoveryCodesLeft: (staffId: string) => s.countCodes.get(staffId)!.n,

    /** A new secret waiting for its first code; the enrolled one (if any) keeps working until then. */
    async begin(staffId: string, email: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
      const secret = new Secret({ size: 20 }).base32;
      s.setPending.run(seal(secret), staffId);
      const uri = totpFor(secret, email).toString();
      const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, uri, qrSvg };
    },

    /** The first code from the app confirms the secret; answers the recovery codes, or undefined for a wrong code. */
    confirm: db.transaction((staffId: string, code: string): string[] | undefined => {
      const pending = s.get.get(staffId)?.pending;
      if (!pending) return undefined;
      const secret = open(pending);
      const step = stepOf(secret, code);
      if (step === undefined) return undefined;
      s.enrol.run(seal(secret), step, staffId);
      return newRecoveryCodes(staffId);
    }),

    /** True when the code is valid now and its time step was not used before. */
    verify: db.transaction((staffId: string, code: string): boolean => {
      const sealed = s.get.get(staffId)?.secret;
      if (!sealed) return false;
      const step = stepOf(open(sealed), code);
      return step !== undefined && s.use.run(step, staffId, step).changes === 1;
    }),

    /** Uses a recovery code up; true when it was one of this account's. */
    useRecoveryCode: (staffId: string, code: string) => s.takeCode.run(staffId, hashCode(code)).changes === 1,

    /** Removes the second factor and its recovery codes. */
    remove: db.transaction((staffId: string) => {
      s.remove.run(staffId);
      s.clearCodes.run(staffId);
    }),
  };
}

export type StaffTotp = ReturnType<typeof staffTotp>;
