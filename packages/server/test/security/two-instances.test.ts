import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl, usingPostgres } from '../helpers/database.ts';
import { freePort } from './throwaway-redis.ts';

// two server processes on one PostgreSQL and one Redis. A session revoked
// through A is refused by B on the next request, and rate-limit counters are shared.
const redisUrl = process.env.REDIS_URL;
const canRun = usingPostgres && Boolean(redisUrl);
if (!canRun) {
  const why = 'two-instance test skipped: needs DATABASE_URL=postgres://… and REDIS_URL';
  // CI's PostgreSQL + Redis pass sets TENURE_REQUIRE_SERVICES; its embedded pass legitimately has neither.
  if (process.env.TENURE_REQUIRE_SERVICES === '1')
    throw new Error(`TENURE_REQUIRE_SERVICES is set but ${why}`);
  console.warn(why);
}

interface Instance {
  url: string;
  child: ChildProcess;
  output: string[];
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['--conditions=@tenure/source', '--import', 'tsx', 'src/server.ts'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited: ${output.join('')}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child, output };
    if (Date.now() > deadline) throw new Error(`instance did not become ready: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((r) => instance.child.once('exit', r));
  instance.child.kill('SIGTERM');
  await exited;
}

async function call(
  instance: Instance,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${instance.url}/api/auth${path}`, {
    method,
    headers: {
      'x-requested-with': 'tenure',
      'x-token-transport': 'body',
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe.skipIf(!canRun)('two server processes on one PostgreSQL and one Redis', () => {
  let a: Instance | undefined;
  let b: Instance | undefined;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      REDIS_KEY_PREFIX: `tenure-two-${randomBytes(4).toString('hex')}:`,
      COOKIE_SECURE: 'false',
      WEB_ROOT: 'none',
      LOG_LEVEL: 'warn',
    };
    // A migrates and creates the signing key first; B joins an initialised database.
    a = await startInstance(env);
    b = await startInstance(env);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await database?.drop();
  });

  it('a session revoked through A is refused by B on the very next request', async () => {
    const email = uniqueEmail();
    const password = 'two instances passphrase';
    const first = await call(a!, 'POST', '/register', { body: { email, password } });
    expect(first.status).toBe(201);
    const second = await call(a!, 'POST', '/login', { body: { email, password } });
    expect((await call(b!, 'GET', '/me', { token: second.body.accessToken })).status).toBe(200);

    const deleted = await call(a!, 'DELETE', `/sessions/${second.body.session.id}`, {
      token: first.body.accessToken,
    });
    expect(deleted.status).toBe(204);
    const refused = await call(b!, 'GET', '/me', { token: second.body.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('session_revoked');

    expect((await call(a!, 'POST', '/logout', { token: first.body.accessToken })).status).toBe(204);
    expect((await call(b!, 'GET', '/me', { token: first.body.accessToken })).body.error.code).toBe(
      'session_revoked',
    );
    // B refuses the refresh token of the session A ended, too.
    const replay = await call(b!, 'POST', '/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(replay.status).toBe(401);
  });

  it('failed sign-ins through A and B count against one budget', async () => {
    const email = uniqueEmail();
    expect(
      (await call(a!, 'POST', '/register', { body: { email, password: 'two instances passphrase' } })).status,
    ).toBe(201);
    const attempt = (instance: Instance) =>
      call(instance, 'POST', '/login', { body: { email, password: 'wrong guess here' } });
    for (const instance of [a!, b!, a!, b!, a!]) expect((await attempt(instance)).status).toBe(401);
    const onB = await attempt(b!);
    expect(onB.status).toBe(429);
    expect(onB.body.error.code).toBe('rate_limited');
    expect((await attempt(a!)).status).toBe(429);
  });
});
