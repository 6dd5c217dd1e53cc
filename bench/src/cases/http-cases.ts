import { BROWSER_UA, runLoad } from '../load.ts';
import { runRefreshChains } from '../refresh-driver.ts';
import { runWrk } from '../wrk.ts';
import type { BenchContext, CaseResult } from './context.ts';
import { type Contender, interleave } from './interleave.ts';

export const LOGIN_PASSWORD = 'correct horse battery staple';
const HELLO = '/bench/hello';
const PROTECTED = '/bench/protected';

/** An autocannon contender: `path` on `url`, bearer tokens rotated when given. */
function autocannonRun(
  context: BenchContext,
  url: string,
  path: string,
  extra: Parameters<typeof runLoad>[0] | object = {},
) {
  return (seconds: number) =>
    runLoad({ url, path, connections: context.options.connections, seconds, ...extra });
}

/**
 * The load generator of the hello group: wrk (two threads, tokens rotated by a Lua script),
 * since one autocannon thread cannot keep a bare Fastify busy; without wrk, three autocannon
 * workers (which reach about 0.6× of wrk here).
 */
function fastDriver(
  context: BenchContext,
  url: string,
  path: string,
  load: { tokens?: string[]; headers?: Record<string, string> },
) {
  const { connections } = context.options;
  const headers = { 'user-agent': BROWSER_UA, ...load.headers };
  return (seconds: number) =>
    context.wrk === true
      ? runWrk({
          url: `${url}${path}`,
          seconds,
          connections,
          headers,
          ...(load.tokens && { tokens: load.tokens }),
        })
      : runLoad({
          url,
          path,
          connections,
          seconds,
          headers,
          workers: 3,
          ...(load.tokens && { tokens: load.tokens }),
        });
}

/**
 * The ceiling and the adopter, in turns: `bare` and `bare-wrk` on the bare process,
 * `adopter-open` and `adopter-protected` on the adopting app, and better-auth's `getSession` in
 * that app. Every case but `bare-wrk` rotates the same sessions' bearer tokens, so the load
 * generator does the same work on each side (the open routes ignore the header); `bare-wrk` is
 * wrk as a new user runs it, one fixed request.
 */
export async function helloCases(context: BenchContext): Promise<{ tokens: string[]; cases: CaseResult[] }> {
  const { server, bare } = context;
  const sessions = await server.call('createSessions', { count: context.sizes.sessions });
  const tokens = sessions.map((session) => session.accessToken);
  const driver = context.wrk === true ? 'wrk, tokens rotated by a Lua script' : '3 autocannon workers';
  const contenders: Contender[] = [
    {
      name: 'bare',
      note: `bare Fastify process, same handler and schema; ${driver}`,
      run: fastDriver(context, bare.url, HELLO, { tokens }),
    },
  ];
  if (context.wrk === true) {
    contenders.push({
      name: 'bare-wrk',
      note: 'the same bare route, plain wrk -t2 (one fixed request)',
      run: fastDriver(context, bare.url, HELLO, { headers: { authorization: `Bearer ${tokens[0]}` } }),
    });
  }
  contenders.push(
    {
      name: 'adopter-open',
      note: 'the adopting app’s own route, no guard',
      run: fastDriver(context, server.url, HELLO, { tokens }),
    },
    {
      name: 'adopter-protected',
      note: `the adopting app’s own route behind app.authenticate; ${Math.min(tokens.length, 1000).toLocaleString('en-US')} sessions’ tokens in turn`,
      run: fastDriver(context, server.url, PROTECTED, { tokens }),
    },
  );
  const cookie = await server.call('betterAuthCookie', {});
  if (cookie) {
    contenders.push({
      name: 'better-auth-get-session',
      note: 'better-auth defaults (no cookie cache), same PostgreSQL server, in the adopting app',
      run: fastDriver(context, server.url, '/bench/better-auth/session', { headers: { cookie } }),
    });
  }
  return { tokens, cases: await interleave(context, 'hello', contenders) };
}

export async function meCases(context: BenchContext, pgAnchors: boolean): Promise<CaseResult[]> {
  const sessions = await context.server.call('createSessions', { count: context.sizes.sessions });
  const tokens = sessions.map((session) => session.accessToken);
  const contenders: Contender[] = [
    {
      name: 'me',
      note: 'token check in memory + user and session by primary key',
      run: autocannonRun(context, context.server.url, '/api/auth/me', { tokens }),
    },
  ];
  if (pgAnchors) {
    contenders.push({
      name: 'pg-me-anchor',
      note: 'bare Fastify, the same two queries with pg',
      run: autocannonRun(context, context.bare.url, '/anchor/me', { tokens }),
    });
  }
  return interleave(context, 'me', contenders);
}

/**
 * `refresh` against the naive rotation: every connection walks its own sessions' rotation
 * chains (custom driver, see refresh-driver.ts), fresh chains for every run, since a used chain
 * cannot be replayed.
 */
export async function refreshCases(context: BenchContext, naive: boolean): Promise<CaseResult[]> {
  const { options, server } = context;
  // Refreshes are limited per session (30 a minute) and per IP: like real clients, each
  // connection serves many sessions, each from its own address, and rotates each one's chain.
  const perConnection = options.scale >= 0.1 ? 48 : 8;
  const chains = () =>
    server
      .call('createSessions', { count: options.connections * perConnection })
      .then((sessions) => sessions.map((s) => s.refreshToken));
  const driver = (url: string, path: string) => async (seconds: number) =>
    runRefreshChains({ url, path, refreshTokens: await chains(), connections: options.connections, seconds });
  const note = `${options.connections} connections × ${perConnection} chains, one rotation in flight per connection`;
  const contenders: Contender[] = [{ name: 'refresh', note, run: driver(server.url, '/api/auth/refresh') }];
  if (naive) {
    contenders.push({
      name: 'naive-refresh-anchor',
      note: `${note}; rate limits, UA/geo, user lookup, then SELECT … FOR UPDATE, check, insert used token, update, commit, jose sign`,
      run: driver(context.bare.url, '/anchor/refresh'),
    });
  }
  return interleave(context, 'refresh', contenders);
}

/** `GET /api/auth/sessions` for seeded users with 5 active (+5 ended) sessions each. */
export async function sessionsListCases(
  context: BenchContext,
  seededRows: number,
  pgAnchors: boolean,
): Promise<CaseResult[]> {
  const tokens = await context.server.call('sessionsListTokens', {
    count: Math.min(context.sizes.sessions, context.sizes.listUsers),
    users: context.sizes.listUsers,
  });
  const note = `${seededRows.toLocaleString('en-US')} sessions of ${context.sizes.listUsers.toLocaleString('en-US')} users`;
  const contenders: Contender[] = [
    {
      name: 'sessions-list',
      note,
      run: autocannonRun(context, context.server.url, '/api/auth/sessions', { tokens }),
    },
  ];
  if (pgAnchors) {
    contenders.push({
      name: 'pg-list-anchor',
      note: 'bare Fastify, the same indexed query with pg',
      run: autocannonRun(context, context.bare.url, '/anchor/sessions', { tokens }),
    });
  }
  const cases = await interleave(context, 'sessions-list', contenders);
  // With 50 connections a closed loop's latency is mostly queueing (connections ÷ throughput);
  // one connection shows what a single request costs.
  const single = await interleave(context, 'sessions-list-1conn', [
    {
      name: 'sessions-list-1conn',
      note: 'the same, one connection: service time without queueing',
      run: autocannonRun(context, context.server.url, '/api/auth/sessions', { tokens, connections: 1 }),
    },
  ]);
  return [...cases, ...single];
}

export async function loginBodies(context: BenchContext): Promise<string[]> {
  const emails = await context.server.call('createLoginUsers', {
    count: context.sizes.loginUsers,
    password: LOGIN_PASSWORD,
  });
  return emails.map((email) => JSON.stringify({ email, password: LOGIN_PASSWORD }));
}

/** Logins over HTTP against argon2 verifying by itself, with the same parameters and concurrency. */
export async function loginCases(context: BenchContext, bodies: string[]): Promise<CaseResult[]> {
  return interleave(context, 'login', [
    {
      name: 'login',
      note: 'argon2id m=19 MiB t=2 per login, by design',
      run: autocannonRun(context, context.server.url, '/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-token-transport': 'body' },
        bodies,
        manyClients: true,
      }),
    },
    {
      name: 'argon2-anchor',
      note: `@node-rs/argon2 verify alone, same parameters, ${context.options.connections} in flight, in the bare process`,
      run: async (seconds) => ({
        ...(await context.bare.call('argon2Rate', {
          password: LOGIN_PASSWORD,
          seconds,
          concurrency: context.options.connections,
        })),
        failures: 0,
      }),
    },
  ]);
}
