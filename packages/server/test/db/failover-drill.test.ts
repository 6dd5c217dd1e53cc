import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError } from '../../src/db/errors.ts';
import {
  authed,
  buildTestApp,
  CHROME_MAC,
  PASSWORD,
  refresh,
  refreshCookieOf,
  registerUser,
  type SignedIn,
  type TestApp,
} from '../helpers/build-test-app.ts';

// A failover (or a restart, or an operator's pg_terminate_backend) drops every connection the app
// holds at once: idle ones in the pool, ones checked out mid-query, and ones held between
// statements like the cleanup's advisory-lock connection. None of it may become an uncaught
// error, which would stop the process: requests answer 503 `unavailable` meanwhile and the app
// recovers by itself. Runs on real PostgreSQL only, against this app's own database.
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;
if (!onPostgres) {
  const why = 'failover drill skipped: it needs DATABASE_URL=postgres://…';
  // CI's PostgreSQL pass sets TENURE_REQUIRE_SERVICES: there the drill must run, not skip.
  if (process.env.TENURE_REQUIRE_SERVICES === '1')
    throw new Error(`TENURE_REQUIRE_SERVICES is set but ${why}`);
  console.warn(`[test/db/failover-drill] ${why}`);
}

const ROUNDS = 10;
const STACK = /\bat .+:\d+:\d+|stack|ECONN|pg_|SQLSTATE/i;

/** Why a response is not one a client may see during a failover, or undefined when it is. */
function abnormal(what: string, response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode;
  if (STACK.test(response.body)) return `${what}: ${status} leaks internals: ${response.body}`;
  if (status === 503) {
    const body = response.json();
    const envelope = Object.keys(body).join() === 'error' && body.error?.code === 'unavailable';
    if (!envelope) return `${what}: 503 outside the error envelope: ${response.body}`;
    return response.headers['retry-after'] === undefined ? `${what}: 503 without Retry-After` : undefined;
  }
  return status >= 200 && status < 500 ? undefined : `${what}: ${status} ${response.body}`;
}

/** Browsers get the refresh token as a cookie, other clients in the body. */
function refreshTokenOf(response: LightMyRequestResponse): string | undefined {
  return response.json().refreshToken ?? refreshCookieOf(response);
}

describe.skipIf(!process.env.DATABASE_URL?.startsWith('postgres'))('PostgreSQL failover drill', () => {
  let t: TestApp;
  let admin: pg.Client;
  let database: string;
  let user: SignedIn;
  const uncaught: string[] = [];
  const record = (error: unknown) => {
    uncaught.push(
      error instanceof Error
        ? `${(error as { code?: string }).code ?? error.name}: ${error.message}`
        : String(error),
    );
  };

  beforeAll(async () => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    // Logins are the point here, not their rate limit.
    t = await buildTestApp({ RATE_LIMITS: 'false' });
    user = await registerUser(t.app);
    database = new URL(t.config.databaseUrl).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    // The drill's own connection (on another database) must not be a source of stray errors either.
    admin.on('error', record);
    await admin.connect();
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
    await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await t?.close();
  });

  /** Drops every backend of the app's database; on odd rounds the door stays shut for a moment. */
  async function failover(round: number): Promise<number> {
    const closed = round % 2 === 1;
    if (closed) await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    const { rows } = await admin.query<{ dropped: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS dropped
         FROM pg_stat_activity WHERE datname = $1`,
      [database],
    );
    if (closed) {
      await sleep(100);
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    }
    return rows[0]?.dropped ?? 0;
  }

  const login = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': CHROME_MAC },
      payload: { email: user.email, password: PASSWORD },
    });

  it('survives every connection dropping repeatedly mid-traffic: no uncaught error, 503 at worst, then recovers', async () => {
    const problems: string[] = [];
    const statuses: Record<number, number> = {};
    let running = true;
    const check = (what: string, response: LightMyRequestResponse) => {
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      const problem = abnormal(what, response);
      if (problem) problems.push(problem);
      return response;
    };
    const loop = async (step: () => Promise<void>) => {
      while (running) await step();
    };

    let refreshToken = user.refreshToken;
    const actors = [
      loop(async () => {
        check('login', await login());
      }),
      loop(async () => {
        const response = check('refresh', await refresh(t.app, refreshToken));
        if (response.statusCode === 200) refreshToken = refreshTokenOf(response) ?? refreshToken;
      }),
      loop(async () => {
        check('me', await authed(t.app, user.accessToken, 'GET', '/api/auth/me'));
      }),
      loop(async () => {
        check('readyz', await t.app.inject({ method: 'GET', url: '/readyz' }));
      }),
      // The shape of the cleanup's advisory lock: a connection checked out and held between
      // statements, so a drop reaches it while no query of its own is running.
      loop(async () => {
        try {
          await t.database.db.connection().execute(async (connection) => {
            await sql`SELECT 1`.execute(connection);
            await sleep(50);
            await sql`SELECT 1`.execute(connection);
          });
        } catch (error) {
          if (!isConnectionError(error)) problems.push(`held connection: ${String(error)}`);
          await sleep(20);
        }
      }),
    ];

    let dropped = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await sleep(50 + Math.random() * 100);
        dropped += await failover(round);
      }
      // Requests already queued behind the last drop finish too.
      await sleep(200);
    } finally {
      running = false;
      await Promise.all(actors);
    }

    expect(uncaught).toEqual([]);
    expect(problems).toEqual([]);
    expect(dropped, 'the drill dropped no connection at all').toBeGreaterThan(0);
    expect(Object.keys(statuses).length, 'no request ran during the drill').toBeGreaterThan(0);

    // Recovery without a restart: readiness, then the whole sign-in flow on fresh connections.
    await expect
      .poll(async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(200);
    const back = await login();
    expect(back.statusCode, back.body).toBe(200);
    const rotated = await refresh(t.app, refreshTokenOf(back)!);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const me = await authed(t.app, rotated.json().accessToken, 'GET', '/api/auth/me');
    expect(me.statusCode, me.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(uncaught).toEqual([]);
  }, 90_000);
});
