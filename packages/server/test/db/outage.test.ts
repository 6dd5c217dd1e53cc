import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  PASSWORD,
  refresh,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';
import { usingPostgres } from '../helpers/database.ts';
import { expectEnvelope, rotatedFrom } from '../helpers/inspect.ts';

// a database outage answers 503 `unavailable` — never a crash or a 500 with a stack —
// and the server recovers by itself when the database is back. Runs against real PostgreSQL
// only: this app's own database stops accepting connections; the shared server keeps running.
describe.runIf(usingPostgres)('PostgreSQL unreachable', () => {
  let t: TestApp;
  let user: SignedIn;
  let databaseName: string;
  let admin: pg.Client;

  beforeAll(async () => {
    t = await buildTestApp();
    user = await registerUser(t.app);
    databaseName = new URL(t.config.databaseUrl).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await t?.close();
  });

  async function cutDatabase() {
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      databaseName,
    ]);
  }

  const login = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': CHROME_MAC },
      payload: { email: user.email, password: PASSWORD },
    });

  function expectUnavailable(response: LightMyRequestResponse) {
    expectEnvelope(response, 503, 'unavailable');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+|stack|ECONN|pg_|SQLSTATE/i);
  }

  it('answers 503 unavailable without a stack while the database is gone, then recovers without a restart', async () => {
    await cutDatabase();

    expectUnavailable(await login());
    expectUnavailable(await t.app.inject({ method: 'GET', url: '/readyz' }));
    expectUnavailable(await authed(t.app, user.accessToken, 'GET', '/api/auth/sessions'));
    const refreshDuringOutage = await refresh(t.app, user.refreshToken);
    expectUnavailable(refreshDuringOutage);
    // An outage is not a reason to forget the user's refresh cookie.
    expect(refreshDuringOutage.cookies.filter((c) => c.name.endsWith('tenure_refresh'))).toEqual([]);
    // The process itself is fine.
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);

    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const back = await login();
    expect(back.statusCode, back.body).toBe(200);
    // The session that lived through the outage is intact.
    rotatedFrom(await refresh(t.app, user.refreshToken));
  });
});
