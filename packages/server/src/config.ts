import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Typed server configuration. Built once at start-up from the environment, then never changed. */
export interface Config {
  port: number;
  publicUrl: string;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  turnUrls: string[];
  turnSecret: string | undefined;
  allowedOrigins: string[];
  retentionDays: number;
  reminderOffsetsMinutes: number[];
  reminderIntervalMs: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  smsWebhookUrl: string | undefined;
  /** Secret from which personal link tokens are derived; the database only holds their hashes. */
  tokenSecret: string;
  seedDemoData: boolean;
  /** Password given to the seeded demo staff accounts that have none yet. */
  demoStaffPassword: string;
  /** The clock; tests replace it to travel to a DST weekend. */
  now: () => Date;
}

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const url = z.url({ message: 'must be an absolute URL such as https://balie.example.be' });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Digitale Balie <noreply@balie.invalid>'),
  TURN_URLS: z
    .string()
    .optional()
    .refine((v) => csv(v).every((u) => /^turns?:/.test(u)), 'every entry must start with turn: or turns:'),
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .refine(
      (v) => csv(v).every((o) => o === '*' || /^https?:\/\/[^/]+$/.test(o)),
      'must be a comma-separated list of origins such as https://www.wilsede.be (no path)',
    ),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  REMINDER_OFFSETS_MINUTES: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of minutes such as 1440,60')
    .default('1440,60'),
  REMINDER_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
  WEBHOOK_URL: url.optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMS_WEBHOOK_URL: url.optional(),
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO_DATA: z.enum(['true', 'false']).default('true'),
  DEMO_STAFF_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(200).default('wilsede-demo'),
});

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError that names every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable counts as unset: `PORT=${PORT}` in a compose file must not mean port 0.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TURN_URLS && !e.TURN_SECRET) throw new ConfigError('Invalid configuration:\n  TURN_SECRET: required when TURN_URLS is set');
  const dataDir = resolve(overrides.dataDir ?? e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const port = overrides.port ?? e.PORT;
  return {
    port,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    turnUrls: csv(e.TURN_URLS),
    turnSecret: e.TURN_SECRET,
    allowedOrigins: csv(e.ALLOWED_ORIGINS),
    retentionDays: e.RETENTION_DAYS,
    reminderOffsetsMinutes: e.REMINDER_OFFSETS_MINUTES.split(',').map(Number),
    reminderIntervalMs: e.REMINDER_INTERVAL_MS,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    smsWebhookUrl: e.SMS_WEBHOOK_URL,
    tokenSecret: e.TOKEN_SECRET ?? persistentSecret(dataDir),
    seedDemoData: e.SEED_DEMO_DATA === 'true',
    demoStaffPassword: e.DEMO_STAFF_PASSWORD,
    now: () => new Date(),
    ...overrides,
  };
}

/** A secret generated on first start and kept beside the database, so links survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
