import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { langs, type Lang } from './catalog/types.ts';

/** Typed server configuration. Built once at start-up from the environment, then never changed. */
export interface Config {
  port: number;
  /** Interface to listen on (HOST); the demo default keeps the mailbox and every personal link on this machine. */
  host: string;
  /**
   * Number of reverse proxies in front of the server (TRUST_PROXY). 0: the client address is the
   * socket's, X-Forwarded-For is ignored; n: the address the n-th proxy from us saw.
   */
  trustProxy: number;
  publicUrl: string;
  dataDir: string;
  /** postgres://… for PostgreSQL (several instances); unset: SQLite under dataDir. */
  databaseUrl?: string;
  /**
   * Where documents and unfinished uploads live (UPLOAD_DIR; default DATA_DIR/documents). Several
   * instances share one directory (NFS or the like); PostgreSQL advisory locks keep them apart.
   */
  uploadDir: string;
  /** On SIGTERM: how long /healthz says draining, while requests are still served, before the instance stops. */
  shutdownDrainMs: number;
  /** The PostgreSQL schema this server works in (tests give each server its own). */
  databaseSchema: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  turnUrls: string[];
  turnSecret: string | undefined;
  /** Route every call through TURN: hides participants' IP addresses from each other. */
  turnRelayOnly: boolean;
  allowedOrigins: string[];
  retentionDays: number;
  /** How often the retention sweep looks for appointments past RETENTION_DAYS (RETENTION_SWEEP_MINUTES); it also runs at start. */
  retentionSweepIntervalMs: number;
  /** The municipality's full privacy statement (PRIVACY_URL), linked from the booking form's notice. */
  privacyUrl: string | undefined;
  /** Days the access log keeps a row (ACCESS_LOG_DAYS): who of the staff read or removed what. */
  accessLogDays: number;
  /** Largest document one upload may be, in bytes (MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  /** Largest total of the documents of one appointment, in bytes (MAX_APPOINTMENT_MB). */
  maxAppointmentBytes: number;
  /** Largest total of all stored documents, in bytes (MAX_STORED_GB). */
  maxStoredBytes: number;
  /** Free disk a new upload must leave, in bytes (MIN_FREE_DISK_MB). */
  minFreeDiskBytes: number;
  /** clamd to scan every finished upload with (CLAMAV_HOST, `host` or `host:port`); none: no scan. */
  clamav: { host: string; port: number } | undefined;
  reminderOffsetsMinutes: number[];
  reminderIntervalMs: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** First webhook retry after this many ms, doubling each time (tests shorten it). */
  webhookRetryBaseMs: number;
  /** The languages the widget offers, first is the default (facility municipalities: nl,fr). */
  languages: Lang[];
  smsWebhookUrl: string | undefined;
  /** Secret from which personal link tokens are derived; the database only holds their hashes. */
  tokenSecret: string;
  /** Seed the demo municipality into an empty database (SEED_DEMO_DATA; default: only on a local start). */
  seedDemoData: boolean;
  /** Serve the outbox at /demo/mailbox. It lists personal links, so only for local demos. */
  demoMailbox: boolean;
  /**
   * Password given to the seeded demo staff accounts that have none yet; undefined: none. The
   * published default only on a local start: a server others can reach never has a known password.
   */
  demoStaffPassword: string | undefined;
  /** PUBLIC_URL is localhost and HOST a loopback address: nobody but this machine reaches the server. */
  localStart: boolean;
  /** Booked appointments still to come that one e-mail address may hold (MAX_BOOKINGS_PER_EMAIL; 0: no cap). */
  maxActiveBookingsPerEmail: number;
  /** Requests per client address and per personal link on the public routes, per window; 0: no limit. */
  rateLimits: RateLimits;
  /** Staff sign-in through the municipality's OpenID provider (OIDC_*); undefined: none. */
  oidc: OidcConfig | undefined;
  /** Staff may sign in with an e-mail address and password (STAFF_LOCAL_LOGIN, default true). */
  staffLocalLogin: boolean;
  /** `required`: local accounts must enrol a TOTP second factor at their next sign-in (STAFF_MFA). */
  staffMfa: 'optional' | 'required';
  /** The clock; tests replace it to travel to a DST weekend. */
  now: () => Date;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** The button reads "Aanmelden met <name>". */
  name: string;
  /** A dot path into the ID token or userinfo claims, e.g. `roles` or `realm_access.roles`. */
  roleClaim: string;
  /** The claim values that make a beheerder or a medewerker. */
  roleBeheerder: string;
  roleMedewerker: string;
}

export interface RateLimits {
  windowSeconds: number;
  /** POST /api/appointments per client address. */
  bookingsPerAddress: number;
  /** Reschedules and companion additions or removals (each mails someone). */
  changesPerAddress: number;
  changesPerLink: number;
  /** New uploads (tus creation, POST /files) by link holders. */
  uploadsPerAddress: number;
  uploadsPerLink: number;
}

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const url = z.url({ message: 'must be an absolute URL such as https://balie.example.be' });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'must be an interface address such as 127.0.0.1, 0.0.0.0 or ::')
    .default('127.0.0.1'),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'must be false, true (one proxy) or the number of proxies in front of the server')
    .default('false'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (unset: SQLite under DATA_DIR)')
    .optional(),
  UPLOAD_DIR: z.string().min(1).optional(),
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(120).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL schema name such as public')
    .default('public'),
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
  TURN_RELAY_ONLY: z.enum(['true', 'false']).default('false'),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .refine(
      (v) => csv(v).every((o) => o === '*' || /^https?:\/\/[^/]+$/.test(o)),
      'must be a comma-separated list of origins such as https://www.wilsede.be (no path)',
    ),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  PRIVACY_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) address such as https://www.wilsede.be/privacy' }).optional(),
  ACCESS_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(100),
  MAX_APPOINTMENT_MB: z.coerce.number().int().min(1).max(102_400).default(500),
  MAX_STORED_GB: z.coerce.number().positive().max(1_000_000).default(50),
  MIN_FREE_DISK_MB: z.coerce.number().int().min(0).max(100_000_000).default(1024),
  CLAMAV_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name or IPv4 address, optionally with :port (default 3310)')
    .optional(),
  REMINDER_OFFSETS_MINUTES: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of minutes such as 1440,60')
    .default('1440,60'),
  REMINDER_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
  WEBHOOK_URL: url.optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LANGUAGES: z
    .string()
    .default('nl')
    .refine((v) => csv(v).length > 0 && csv(v).every((l) => (langs as readonly string[]).includes(l)), `must be a comma-separated list of ${langs.join(', ')}`),
  SMS_WEBHOOK_URL: url.optional(),
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO_DATA: z.enum(['true', 'false']).optional(),
  DEMO_MAILBOX: z.enum(['true', 'false']).optional(),
  MAX_BOOKINGS_PER_EMAIL: z.coerce.number().int().min(0).max(1000).default(3),
  // Defaults an honest citizen never meets, even behind an address many share (mobile networks' NAT).
  RATE_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  RATE_LIMIT_BOOKINGS_PER_ADDRESS: z.coerce.number().int().min(0).default(10),
  RATE_LIMIT_CHANGES_PER_ADDRESS: z.coerce.number().int().min(0).default(60),
  RATE_LIMIT_CHANGES_PER_LINK: z.coerce.number().int().min(0).default(15),
  RATE_LIMIT_UPLOADS_PER_ADDRESS: z.coerce.number().int().min(0).default(200),
  RATE_LIMIT_UPLOADS_PER_LINK: z.coerce.number().int().min(0).default(60),
  DEMO_STAFF_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
  // A plain-http issuer only on this machine (a test provider): tokens must not cross a network in clear.
  OIDC_ISSUER: z
    .url({ message: 'must be the provider\'s issuer URL such as https://login.microsoftonline.com/<tenant>/v2.0' })
    .refine((v) => v.startsWith('https:') || isLocal(v), 'must be an https:// address')
    .optional(),
  OIDC_CLIENT_ID: z.string().max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().max(2000).optional(),
  OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be scopes separated by single spaces')
    .refine((v) => v.split(' ').includes('openid'), 'must include openid')
    .default('openid email profile'),
  OIDC_NAME: z
    .string()
    .max(60)
    .regex(/^[^\n\r<>]+$/, 'must be one line of plain text')
    .optional(),
  OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a claim name or a dot path such as realm_access.roles')
    .optional(),
  OIDC_ROLE_BEHEERDER: z.string().max(500).optional(),
  OIDC_ROLE_MEDEWERKER: z.string().max(500).optional(),
  STAFF_LOCAL_LOGIN: z.enum(['true', 'false']).default('true'),
  STAFF_MFA: z.enum(['optional', 'required']).default('optional'),
});

const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_CLAIM', 'OIDC_ROLE_BEHEERDER', 'OIDC_ROLE_MEDEWERKER'] as const;
const OIDC_OPTIONAL = ['OIDC_SCOPES', 'OIDC_NAME'] as const;

/** OIDC sign-in is all or nothing: half a configuration is a typo, not a choice. */
function oidcConfig(e: z.infer<typeof envSchema>, env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const missing = OIDC_REQUIRED.filter((name) => !set(name));
  if (missing.length === OIDC_REQUIRED.length) {
    const stray = OIDC_OPTIONAL.filter(set);
    if (stray.length) throw new ConfigError(`Invalid configuration:\n  ${stray.join(', ')}: set OIDC_ISSUER and the other OIDC_* variables too, or leave these out`);
    return undefined;
  }
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((name) => `  ${name}: required for OIDC sign-in (the other OIDC_* variables are set)`).join('\n')}`);
  if (e.OIDC_ROLE_BEHEERDER === e.OIDC_ROLE_MEDEWERKER) throw new ConfigError('Invalid configuration:\n  OIDC_ROLE_MEDEWERKER: must differ from OIDC_ROLE_BEHEERDER');
  return {
    issuer: e.OIDC_ISSUER!,
    clientId: e.OIDC_CLIENT_ID!,
    clientSecret: e.OIDC_CLIENT_SECRET!,
    scopes: e.OIDC_SCOPES,
    name: e.OIDC_NAME?.trim() || new URL(e.OIDC_ISSUER!).hostname,
    roleClaim: e.OIDC_ROLE_CLAIM!,
    roleBeheerder: e.OIDC_ROLE_BEHEERDER!,
    roleMedewerker: e.OIDC_ROLE_MEDEWERKER!,
  };
}

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
  // Each instance would make its own secret under its own DATA_DIR, and a link one instance mailed
  // would be refused by the next.
  if (e.DATABASE_URL && !e.TOKEN_SECRET) {
    throw new ConfigError('Invalid configuration:\n  TOKEN_SECRET: required with DATABASE_URL: every instance must sign personal links with the same secret (at least 32 random characters)');
  }
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) throw new ConfigError('Invalid configuration:\n  WEBHOOK_SECRET: required when WEBHOOK_URL is set');
  const oidc = oidcConfig(e, env);
  if (e.STAFF_LOCAL_LOGIN === 'false' && !oidc) {
    throw new ConfigError('Invalid configuration:\n  STAFF_LOCAL_LOGIN: false needs OIDC sign-in (OIDC_ISSUER and the other OIDC_* variables), or nobody could sign in');
  }
  const dataDir = resolve(overrides.dataDir ?? e.DATA_DIR);
  privateDirectory(dataDir);
  const port = overrides.port ?? e.PORT;
  const localStart = isLocal(e.PUBLIC_URL ?? 'http://localhost') && isLoopback(e.HOST);
  const seedDemo = e.SEED_DEMO_DATA ? e.SEED_DEMO_DATA === 'true' : localStart;
  if (!localStart && e.DEMO_STAFF_PASSWORD === PUBLISHED_DEMO_PASSWORD) {
    throw new ConfigError(
      `Invalid configuration:\n  DEMO_STAFF_PASSWORD: ${PUBLISHED_DEMO_PASSWORD} is published in the README; on a server others can reach choose another one, or create a beheerder with npm run admin -- create`,
    );
  }
  return {
    port,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY === 'true' ? 1 : e.TRUST_PROXY === 'false' ? 0 : Number(e.TRUST_PROXY),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    uploadDir: resolve(e.UPLOAD_DIR ?? join(dataDir, 'documents')),
    // Behind a load balancer (several instances on PostgreSQL) its health check needs a moment to
    // see a stopping instance go: 4 s covers deploy/haproxy.cfg's three failed checks a second apart.
    shutdownDrainMs: (e.SHUTDOWN_DRAIN_SECONDS ?? (e.DATABASE_URL ? 4 : 0)) * 1000,
    databaseSchema: e.DATABASE_SCHEMA,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    turnUrls: csv(e.TURN_URLS),
    turnSecret: e.TURN_SECRET,
    turnRelayOnly: e.TURN_RELAY_ONLY === 'true',
    allowedOrigins: csv(e.ALLOWED_ORIGINS),
    retentionDays: e.RETENTION_DAYS,
    retentionSweepIntervalMs: e.RETENTION_SWEEP_MINUTES * 60_000,
    privacyUrl: e.PRIVACY_URL,
    accessLogDays: e.ACCESS_LOG_DAYS,
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    maxAppointmentBytes: e.MAX_APPOINTMENT_MB * 1024 * 1024,
    maxStoredBytes: Math.floor(e.MAX_STORED_GB * 1024 ** 3),
    minFreeDiskBytes: e.MIN_FREE_DISK_MB * 1024 * 1024,
    clamav: e.CLAMAV_HOST ? { host: e.CLAMAV_HOST.split(':')[0]!, port: Number(e.CLAMAV_HOST.split(':')[1] ?? 3310) } : undefined,
    reminderOffsetsMinutes: e.REMINDER_OFFSETS_MINUTES.split(',').map(Number),
    reminderIntervalMs: e.REMINDER_INTERVAL_MS,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    webhookRetryBaseMs: 10_000,
    languages: [...new Set(csv(e.LANGUAGES))] as Lang[],
    smsWebhookUrl: e.SMS_WEBHOOK_URL,
    tokenSecret: e.TOKEN_SECRET ?? persistentSecret(dataDir),
    seedDemoData: seedDemo,
    // Default: on only for a local demo (no SMTP, served on localhost), never on a public address.
    demoMailbox: e.DEMO_MAILBOX ? e.DEMO_MAILBOX === 'true' : !e.SMTP_URL && localStart,
    // The demo team gets a password only with the demo data: the published one on a local start,
    // else only one the operator chose (never the published one, refused above).
    demoStaffPassword: seedDemo ? (e.DEMO_STAFF_PASSWORD ?? (localStart ? PUBLISHED_DEMO_PASSWORD : undefined)) : undefined,
    localStart,
    maxActiveBookingsPerEmail: e.MAX_BOOKINGS_PER_EMAIL,
    rateLimits: {
      windowSeconds: e.RATE_LIMIT_WINDOW_MINUTES * 60,
      bookingsPerAddress: e.RATE_LIMIT_BOOKINGS_PER_ADDRESS,
      changesPerAddress: e.RATE_LIMIT_CHANGES_PER_ADDRESS,
      changesPerLink: e.RATE_LIMIT_CHANGES_PER_LINK,
      uploadsPerAddress: e.RATE_LIMIT_UPLOADS_PER_ADDRESS,
      uploadsPerLink: e.RATE_LIMIT_UPLOADS_PER_LINK,
    },
    oidc,
    staffLocalLogin: e.STAFF_LOCAL_LOGIN === 'true',
    staffMfa: e.STAFF_MFA,
    now: () => new Date(),
    ...overrides,
  };
}

/** The demo team's password on a local start; the README publishes it, so nowhere else. */
export const PUBLISHED_DEMO_PASSWORD = 'wilsede-demo';

/**
 * DATA_DIR holds the database, mails with personal links and the link secret: only the server's
 * user may enter it (0700), also when an older version created it world-readable.
 */
function privateDirectory(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (error) {
    // Not ours to change (a mount owned by another user): say so rather than refuse to start.
    console.warn(`DATA_DIR ${dir} could not be made private (chmod 700): ${(error as Error).message}`);
  }
}

/** A secret generated on first start and kept beside the database, so links survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // written by an older version
    return readFileSync(file, 'utf8').trim();
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

/** HOST=0.0.0.0 (a container, a LAN demo) makes even a localhost PUBLIC_URL reachable by others. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}
