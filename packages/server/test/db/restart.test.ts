import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  errorCode,
  loginAs,
  refresh,
  registerUser,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { freshDatabaseUrl, usingPostgres } from '../helpers/database.ts';
import { rotatedFrom } from '../helpers/inspect.ts';

// the embedded default keeps its data across restarts, and so does PostgreSQL;
// signing keys are stored, so a restart signs nobody out and the JWKS `kid` stays the same.
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function embeddedDatabase(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenure-restart-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return `file://${dir}`;
}

async function postgresDatabase(): Promise<string> {
  const database = await freshDatabaseUrl();
  cleanups.push(database.drop);
  return database.url;
}

const backends = [
  { name: 'the embedded default (file://)', url: embeddedDatabase },
  ...(usingPostgres ? [{ name: 'PostgreSQL', url: postgresDatabase }] : []),
];

async function kids(t: TestApp): Promise<string[]> {
  const response = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return response.json().keys.map((key: { kid: string }) => key.kid);
}

describe.each(backends)('a restart on $name', ({ url }) => {
  it('keeps users, sessions, revocations and signing keys', { timeout: 240_000 }, async () => {
    const env = { DATABASE_URL: await url() };
    let t = await buildTestApp(env);
    let closed = false;
    try {
      const user = await registerUser(t.app);
      const signedOut = await loginAs(t.app, user.email);
      expect((await authed(t.app, signedOut.accessToken, 'POST', '/api/auth/logout')).statusCode).toBe(204);
      const kidsBefore = await kids(t);
      expect(kidsBefore).toHaveLength(1);
      await t.close();
      closed = true;

      t = await buildTestApp(env);
      closed = false;
      await loginAs(t.app, user.email);
      expect(await kids(t)).toEqual(kidsBefore);
      // Tokens issued before the restart still work...
      expect((await authed(t.app, user.accessToken, 'GET', '/api/auth/me')).statusCode).toBe(200);
      rotatedFrom(await refresh(t.app, user.refreshToken));
      // ...except those of a session revoked before it: the restart forgets no revocation.
      expect(errorCode(await authed(t.app, signedOut.accessToken, 'GET', '/api/auth/me'))).toBe(
        'session_revoked',
      );
      expect(errorCode(await refresh(t.app, signedOut.refreshToken))).toBe('session_revoked');
    } finally {
      if (!closed) await t.close();
    }
  });
});
