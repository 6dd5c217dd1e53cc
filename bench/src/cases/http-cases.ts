import { loadavg } from 'node:os';
import { runRefreshChains } from '../refresh-driver.ts';
import { type BenchContext, type CaseResult, measure, withLoad } from './context.ts';

export const LOGIN_PASSWORD = 'correct horse battery staple';

/** `baseline` and `protected`: the same hello route, open and behind `app.authenticate`. */
export async function helloCases(context: BenchContext): Promise<{ tokens: string[]; cases: CaseResult[] }> {
  const sessions = await context.server.call('createSessions', { count: context.sizes.sessions });
  const tokens = sessions.map((session) => session.accessToken);
  // The baseline carries the same rotating Authorization header (unused) so that both sides
  // cost the load generator the same.
  const baseline = await measure(context, 'baseline', { path: '/bench/hello', tokens });
  const protectedCase = await measure(context, 'protected', { path: '/bench/protected', tokens });
  protectedCase.note = `${tokens.length.toLocaleString('en-US')} distinct sessions' tokens`;
  return { tokens, cases: [baseline, protectedCase] };
}

export async function meCase(context: BenchContext): Promise<CaseResult> {
  const sessions = await context.server.call('createSessions', { count: context.sizes.sessions });
  const result = await measure(context, 'me', {
    path: '/api/auth/me',
    tokens: sessions.map((session) => session.accessToken),
  });
  result.note = 'token check in memory + user and session by primary key';
  return result;
}

/** Every connection walks its own session's rotation chain (custom driver, see refresh-driver.ts). */
export async function refreshCase(context: BenchContext): Promise<CaseResult> {
  const { options, server } = context;
  // Refreshes are limited per session (30 a minute) and per IP: like real clients, each
  // connection serves many sessions, each from its own address, and rotates each one's chain.
  const perConnection = options.scale >= 0.1 ? 48 : 8;
  const chains = await server.call('createSessions', { count: options.connections * perConnection * 2 });
  const tokens = chains.map((chain) => chain.refreshToken);
  const warm = tokens.splice(0, Math.round(tokens.length / 4));
  if (options.warmup > 0) {
    await runRefreshChains({
      url: server.url,
      refreshTokens: warm,
      connections: options.connections,
      seconds: options.warmup,
    });
  }
  const before = loadavg()[0] ?? 0;
  const result = await runRefreshChains({
    url: server.url,
    refreshTokens: tokens,
    connections: options.connections,
    seconds: options.duration,
  });
  context.log(
    `refresh: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.failures} failed${result.failedStatuses ? ` ${JSON.stringify(result.failedStatuses)}` : ''}`,
  );
  return withLoad(
    'refresh',
    result,
    before,
    `${options.connections} connections × ${Math.floor(tokens.length / options.connections)} chains, one rotation in flight per connection`,
  );
}

export async function betterAuthCase(context: BenchContext): Promise<CaseResult | undefined> {
  const cookie = await context.server.call('betterAuthCookie', {});
  if (!cookie) return undefined;
  const result = await measure(context, 'better-auth-get-session', {
    path: '/bench/better-auth/session',
    headers: { cookie },
  });
  result.note = 'better-auth defaults (no cookie cache), same PostgreSQL server, same process';
  return result;
}

/** `GET /api/auth/sessions` for seeded users with 5 active (+5 ended) sessions each. */
export async function sessionsListCases(context: BenchContext, seededRows: number): Promise<CaseResult[]> {
  const tokens = await context.server.call('sessionsListTokens', {
    count: Math.min(context.sizes.sessions, context.sizes.listUsers),
    users: context.sizes.listUsers,
  });
  const result = await measure(context, 'sessions-list', { path: '/api/auth/sessions', tokens });
  result.note = `${seededRows.toLocaleString('en-US')} sessions of ${context.sizes.listUsers.toLocaleString('en-US')} users`;
  // With 50 connections a closed loop's latency is mostly queueing (connections ÷ throughput);
  // one connection shows what a single request costs.
  const single = await measure(context, 'sessions-list-1conn', {
    path: '/api/auth/sessions',
    tokens,
    connections: 1,
  });
  single.note = 'the same, one connection: service time without queueing';
  return [result, single];
}

export async function loginBodies(context: BenchContext): Promise<string[]> {
  const emails = await context.server.call('createLoginUsers', {
    count: context.sizes.loginUsers,
    password: LOGIN_PASSWORD,
  });
  return emails.map((email) => JSON.stringify({ email, password: LOGIN_PASSWORD }));
}

export async function loginCase(context: BenchContext, bodies: string[]): Promise<CaseResult> {
  const result = await measure(context, 'login', {
    path: '/api/auth/login',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-token-transport': 'body' },
    bodies,
    manyClients: true,
  });
  result.note = 'argon2id m=19 MiB t=2 per login, by design';
  return result;
}
