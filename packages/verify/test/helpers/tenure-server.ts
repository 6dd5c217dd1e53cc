import { randomBytes } from 'node:crypto';
import { buildApp, loadConfig } from '@tenure/server';
import pg from 'pg';

export const FEED_TOKEN = 'revocation-feed-token-for-verify-tests';
const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  accessToken: string;
  sessionId: string;
  userId: string;
  email: string;
}

export interface TenureServer {
  url: string;
  jwksUrl: string;
  feedUrl: string;
  /** The REDIS_KEY_PREFIX this server writes its denylist under. */
  keyPrefix: string;
  issuer: string;
  audience: string;
  /** Registers a new user: their first session. */
  signUp(): Promise<SignedIn>;
  /** Another session (device) of the same user. */
  signIn(user: SignedIn): Promise<SignedIn>;
  /** Signs `sessionId` out from another of the user's sessions, through the HTTP API. */
  revoke(by: SignedIn, sessionId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real Tenure server, listening on a free port: a database of its own (a fresh PostgreSQL
 * database when DATABASE_URL is set, else PGlite in memory), Redis when REDIS_URL is set.
 */
export async function startTenureServer(env: Record<string, string> = {}): Promise<TenureServer> {
  const database = await freshDatabase();
  const keyPrefix = `tenure-verify-test-${randomBytes(4).toString('hex')}:`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: keyPrefix,
    REVOCATION_FEED_TOKEN: FEED_TOKEN,
    COOKIE_SECURE: 'false',
    WEB_ROOT: 'none',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildApp({ config });
  const url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');

  async function call(path: string, init: { method: string; token?: string; body?: unknown }) {
    const headers: Record<string, string> = { 'x-token-transport': 'body' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}/api/auth${path}`, {
      method: init.method,
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  }

  async function signedIn(path: string, email: string, expected: number): Promise<SignedIn> {
    const response = await call(path, { method: 'POST', body: { email, password: PASSWORD } });
    if (response.status !== expected) throw new Error(`${path}: ${response.status} ${response.text}`);
    const { accessToken, session, user } = response.body;
    return { accessToken, sessionId: session.id, userId: user.id, email };
  }

  return {
    url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    feedUrl: `${url}/api/auth/revocations`,
    keyPrefix,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    signUp: () => signedIn('/register', `user-${randomBytes(6).toString('hex')}@example.com`, 201),
    signIn: (user) => signedIn('/login', user.email, 200),
    async revoke(by, sessionId) {
      const response = await call(`/sessions/${sessionId}`, { method: 'DELETE', token: by.accessToken });
      if (response.status !== 204) throw new Error(`revoke: ${response.status} ${response.text}`);
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base || !/^postgres(ql)?:\/\//.test(base)) return { url: 'memory://', drop: async () => {} };
  const name = `tenure_verify_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
