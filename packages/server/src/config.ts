import { Cron } from 'croner';

/**
 * Configuration, parsed once from the environment into a frozen object. Nothing else
 * reads `process.env`. Durations accept fractions so expiry tests can run in seconds.
 */
export interface Config {
  port: number;
  host: string;
  /** `postgres://…`, `file://DIR` (embedded PGlite) or `memory://`. */
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  sessionExpiryMs: number;
  inactivityTimeoutMs: number;
  activityCheckIntervalMs: number;
  /** Clamped to the inactivity timeout, so a session past it has no live token. */
  accessTokenTtlMs: number;
  maxSessionsPerUser: number;
  refreshReuseGraceMs: number;
  /** How often `last_active` may be written per session (≤ 1 min, ≤ ¼ of the idle timeout). */
  activityWriteIntervalMs: number;
  /** Revoked rows are deleted this long after revocation. */
  revokedRetentionMs: number;
  /** REAUTH_MAX_AGE_MINUTES: how recent a sign-in must be for sensitive actions (revoke-all). */
  reauthMaxAgeMs: number;
  trustProxy: boolean | string | number;
  enforceHttps: boolean;
  cookieSecure: boolean;
  /** Request and sign-in limits. Off only for load tests; refused in production. */
  rateLimits: boolean;
  allowedOrigins: readonly string[];
  metricsToken: string | undefined;
  /** Bearer token of `GET /api/auth/revocations`; undefined turns the feed off (404). */
  revocationFeedToken: string | undefined;
  /** Serve `/metrics` on this port only (not on the API port); undefined keeps it on the API port. */
  metricsPort: number | undefined;
  /** Bearer token of `/api/admin` (at least 32 characters); undefined turns the admin API off (404). */
  adminApiToken: string | undefined;
  /** Serve `/api/admin` on this port only (not on the API port); undefined keeps it on the API port. */
  adminPort: number | undefined;
  jwtPrivateKey: string | undefined;
  jwtIssuer: string;
  jwtAudience: string;
  ipGeolocationApiKey: string | undefined;
  cleanupCron: string;
  logLevel: string;
  nodeEnv: string;
  /** Folder of the built web app served on `/`; undefined serves no web app. */
  webRoot: string | undefined;
  /** WEBHOOK_URL / WEBHOOK_SECRET; undefined when no webhook endpoint is configured. */
  webhooks: WebhookConfig | undefined;
}

export interface WebhookConfig {
  /** Endpoints, each delivered to independently: `https://`, or `http://` on a loopback host. */
  urls: readonly string[];
  /** Standard Webhooks secrets (`whsec_…`); every one signs each delivery (rotation). */
  secrets: readonly string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(name, `expected a positive number, got "${raw}"`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function nonNegativeNumber(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(name, `expected a number ≥ 0, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** Fastify `trustProxy` syntax: true/false, a hop count, or comma-separated addresses/CIDRs. */
function trustProxy(env: Env): boolean | string | number {
  const raw = read(env, 'TRUST_PROXY');
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  const parts = raw.split(',').map((part) => part.trim());
  const valid = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;
  if (parts.some((part) => !valid.test(part))) {
    throw new ConfigError(
      'TRUST_PROXY',
      `expected true, false, a hop count or addresses/CIDRs, got "${raw}"`,
    );
  }
  return parts.join(',');
}

function rateLimits(env: Env, nodeEnv: string): boolean {
  const enabled = boolean(env, 'RATE_LIMITS', true);
  if (!enabled && nodeEnv === 'production') {
    throw new ConfigError('RATE_LIMITS', 'rate limits cannot be turned off when NODE_ENV=production');
  }
  return enabled;
}

function databaseUrl(env: Env): string {
  const raw = read(env, 'DATABASE_URL') ?? 'file://./data/db';
  if (!/^(postgres(ql)?:\/\/|file:\/\/.+|memory:\/\/)/.test(raw)) {
    throw new ConfigError('DATABASE_URL', 'expected postgres://…, file://DIR or memory://');
  }
  return raw;
}

function origins(env: Env, port: number): string[] {
  const raw = read(env, 'ALLOWED_ORIGINS');
  if (raw === undefined) return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const list = raw.split(',').map((origin) => origin.trim());
  for (const origin of list) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('ALLOWED_ORIGINS', `"${origin}" is not an origin`);
    }
    if (parsed.origin !== origin) {
      throw new ConfigError('ALLOWED_ORIGINS', `"${origin}" must be a bare origin like ${parsed.origin}`);
    }
  }
  return list;
}

/** Long enough that guessing is hopeless; printable ASCII, so it travels in a header unchanged. */
function adminApiToken(env: Env): string | undefined {
  const raw = read(env, 'ADMIN_API_TOKEN');
  if (raw !== undefined && !/^[\x21-\x7e]{32,}$/.test(raw)) {
    throw new ConfigError(
      'ADMIN_API_TOKEN',
      'expected at least 32 printable ASCII characters without spaces (e.g. `openssl rand -base64 32`)',
    );
  }
  return raw;
}

function adminPort(
  env: Env,
  token: string | undefined,
  taken: Array<number | undefined>,
): number | undefined {
  if (read(env, 'ADMIN_PORT') === undefined) return undefined;
  const port = integer(env, 'ADMIN_PORT', 0, 1, 65535);
  if (token === undefined) throw new ConfigError('ADMIN_PORT', 'the admin API needs ADMIN_API_TOKEN too');
  if (taken.includes(port))
    throw new ConfigError('ADMIN_PORT', `port ${port} is already PORT or METRICS_PORT`);
  return port;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function webhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('WEBHOOK_URL', `"${raw}" is not a URL`);
  }
  const loopback = LOOPBACK_HOSTS.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('WEBHOOK_URL', `"${raw}" must use https:// (plain http only to a loopback host)`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      'WEBHOOK_URL',
      `"${url.host}": put no credentials in the URL; receivers verify the signature`,
    );
  }
  return url.toString();
}

/** `whsec_` and base64 of 24 to 64 random bytes, as Standard Webhooks defines it. */
function webhookSecret(raw: string): string {
  const key = raw.startsWith('whsec_') ? Buffer.from(raw.slice(6), 'base64') : undefined;
  if (!key || key.length < 24 || key.length > 64) {
    throw new ConfigError(
      'WEBHOOK_SECRET',
      'expected whsec_ followed by base64 of 24 to 64 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`)',
    );
  }
  return raw;
}

function webhooks(env: Env): WebhookConfig | undefined {
  const urls = read(env, 'WEBHOOK_URL');
  const secrets = read(env, 'WEBHOOK_SECRET');
  if (urls === undefined) {
    if (secrets !== undefined) throw new ConfigError('WEBHOOK_SECRET', 'is set but WEBHOOK_URL is not');
    return undefined;
  }
  if (secrets === undefined)
    throw new ConfigError('WEBHOOK_SECRET', 'WEBHOOK_URL needs a secret to sign with');
  return Object.freeze({
    urls: Object.freeze([...new Set(urls.split(',').map((url) => webhookUrl(url.trim())))]),
    secrets: Object.freeze(secrets.split(/\s+/).map(webhookSecret)),
  });
}

function cron(env: Env): string {
  const raw = read(env, 'CLEANUP_CRON') ?? '0 2 * * *';
  try {
    new Cron(raw, { paused: true }).stop();
  } catch (error) {
    throw new ConfigError('CLEANUP_CRON', `"${raw}" is not a cron expression (${(error as Error).message})`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const nodeEnv = read(env, 'NODE_ENV') ?? 'development';
  const inactivityTimeoutMs = positiveNumber(env, 'INACTIVITY_TIMEOUT_MINUTES', 15) * MINUTE;
  const sessionExpiryMs = positiveNumber(env, 'SESSION_EXPIRY_DAYS', 30) * DAY;
  const accessTokenTtlMs = Math.min(
    positiveNumber(env, 'ACCESS_TOKEN_TTL_MINUTES', 5) * MINUTE,
    inactivityTimeoutMs,
  );
  const webRoot = read(env, 'WEB_ROOT');
  const metricsPort =
    read(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 1, 65535);
  const adminToken = adminApiToken(env);

  return Object.freeze({
    port,
    host: read(env, 'HOST') ?? '127.0.0.1',
    databaseUrl: databaseUrl(env),
    redisUrl: read(env, 'REDIS_URL'),
    redisKeyPrefix: read(env, 'REDIS_KEY_PREFIX') ?? 'tenure:',
    sessionExpiryMs,
    inactivityTimeoutMs,
    activityCheckIntervalMs: positiveNumber(env, 'ACTIVITY_CHECK_INTERVAL_MINUTES', 5) * MINUTE,
    accessTokenTtlMs,
    maxSessionsPerUser: integer(env, 'MAX_SESSIONS_PER_USER', 20, 1, 10_000),
    refreshReuseGraceMs: nonNegativeNumber(env, 'REFRESH_REUSE_GRACE_SECONDS', 10) * 1000,
    activityWriteIntervalMs: Math.min(MINUTE, inactivityTimeoutMs / 4),
    revokedRetentionMs: positiveNumber(env, 'REVOKED_RETENTION_DAYS', 90) * DAY,
    reauthMaxAgeMs: positiveNumber(env, 'REAUTH_MAX_AGE_MINUTES', 10) * MINUTE,
    trustProxy: trustProxy(env),
    enforceHttps: boolean(env, 'ENFORCE_HTTPS', nodeEnv === 'production'),
    cookieSecure: boolean(env, 'COOKIE_SECURE', true),
    rateLimits: rateLimits(env, nodeEnv),
    allowedOrigins: Object.freeze(origins(env, port)),
    metricsToken: read(env, 'METRICS_TOKEN'),
    revocationFeedToken: read(env, 'REVOCATION_FEED_TOKEN'),
    metricsPort,
    adminApiToken: adminToken,
    adminPort: adminPort(env, adminToken, [port, metricsPort]),
    jwtPrivateKey: read(env, 'JWT_PRIVATE_KEY'),
    jwtIssuer: read(env, 'JWT_ISSUER') ?? 'tenure',
    jwtAudience: read(env, 'JWT_AUDIENCE') ?? 'tenure',
    ipGeolocationApiKey: read(env, 'IP_GEOLOCATION_API_KEY'),
    cleanupCron: cron(env),
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
    nodeEnv,
    webRoot: webRoot === 'none' ? undefined : webRoot,
    webhooks: webhooks(env),
  });
}
