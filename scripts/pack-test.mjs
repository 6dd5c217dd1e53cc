// `node scripts/pack-test.mjs`: what an adopter gets from npm. Checks that the snippets of
// docs/adopting.md are the example's code, packs every package (`npm pack` alone: prepack builds),
// installs the tarballs with examples/adopter into an empty folder outside the repository, compiles
// a TypeScript adopter against the published .d.ts, and runs the example with plain `node` (no tsx,
// no source condition): sign-in through the app's own route; the app's protected route and the
// Express service accept the token; a session signed out from another session is refused by the
// service within the bound; a Node client with `transport: 'body'` signs in, calls both and signs
// out. Then the standalone bins (`tenure-migrate`, `tenure-server`), and the example again on
// Node 24 (`npx -p node@24`). PostgreSQL + Redis (Redis mode) when DATABASE_URL / REDIS_URL are
// set, else PGlite + the revocation feed. PASS/FAIL per check; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const example = join(root, 'examples/adopter');
// In dependency order: a package's build reads the declarations of the ones before it.
const PACKAGES = ['protocol', 'client', 'react', 'verify', 'server'];
const EXAMPLE_FILES = ['package.json', 'README.md', 'app.mjs', 'service.mjs', 'client.mjs'];
const FEED_INTERVAL_MS = 2000; // service.mjs's `intervalMs`
const STARTUP_TIMEOUT_MS = 240_000; // a first start migrates and loads 130 MB of geolocation data
const REQUEST_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 30 * 60_000;

const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
const redisUrl = process.env.REDIS_URL || undefined;
const mode = redisUrl ? 'redis' : 'feed';
const revocationBoundMs = mode === 'redis' ? 1000 : FEED_INTERVAL_MS + 1000;
const run = randomBytes(4).toString('hex');
const redisKeyPrefix = `tenure-pack-${run}:`;
const feedToken = randomBytes(24).toString('base64url');

const results = [];
const children = new Set();
const cleanups = [];

function report(ok, name, detail = '') {
  results.push({ ok, name });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

class StepFailure extends Error {}

/** Records a failed check and stops the current run. */
function check(ok, name, detail) {
  if (!report(ok, name, detail)) throw new StepFailure(name);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Starts a command in a process group of its own, so that it and what it starts can be killed. */
function start(name, command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    children.delete(child);
    return { code, signal };
  });
  return { name, child, lines, exited };
}

function kill(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves to whether it stopped within the grace. */
async function stop(proc, graceMs = 15_000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return true;
  kill(proc.child, 'SIGTERM');
  const timer = setTimeout(() => kill(proc.child, 'SIGKILL'), graceMs);
  const { signal } = await proc.exited;
  clearTimeout(timer);
  return signal !== 'SIGKILL';
}

/** Runs a command to completion; resolves to its stdout, rejects on failure or after `timeoutMs`. */
async function exec(command, args, { cwd = root, env = process.env, timeoutMs }) {
  const proc = start(command, command, args, { cwd, env });
  let output = '';
  proc.child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => kill(proc.child, 'SIGKILL'), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    const why = signal === 'SIGKILL' ? `timed out after ${seconds(timeoutMs)}` : `exit ${code ?? signal}`;
    throw new Error(`${command} ${args.join(' ')}: ${why}\n${tail(proc.lines)}`);
  }
  return output;
}

const tail = (lines, count = 30) => lines.slice(-count).join('\n');

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function request(url, { method = 'GET', token, body, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      ...headers,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function waitUntilUp(proc, url, timeoutMs) {
  const startedAt = Date.now();
  let exited = false;
  proc.exited.then(() => {
    exited = true;
  });
  while (Date.now() - startedAt < timeoutMs && !exited) {
    try {
      if ((await request(url)).status === 200) return Date.now() - startedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StepFailure(
    `${proc.name} ${exited ? 'exited before it was up' : `not up within ${seconds(timeoutMs)}`}\n${tail(proc.lines)}`,
  );
}

/** Environment without anything that could load TypeScript or the monorepo's sources. */
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const name of [
    'NODE_OPTIONS',
    'DATABASE_URL',
    'REDIS_URL',
    'REDIS_KEY_PREFIX',
    'REVOCATION_FEED_TOKEN',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

async function pack(packs) {
  await mkdir(packs, { recursive: true });
  const tarballs = [];
  for (const name of PACKAGES) {
    const output = await exec(
      'npm',
      ['pack', '-w', `@tenure/${name}`, '--pack-destination', packs, '--json', '--silent'],
      { timeoutMs: 10 * 60_000 },
    );
    const [info] = JSON.parse(output.slice(output.indexOf('[')));
    const files = info.files.map((file) => file.path);
    const missing = ['LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts'].filter(
      (file) => !files.includes(file),
    );
    const stray = files.filter((file) => /(^|\/)(test|node_modules)\/|\.test\.|\.tgz$/.test(file));
    check(
      missing.length === 0 && stray.length === 0,
      `npm pack @tenure/${name}`,
      missing.length || stray.length
        ? `missing ${missing.join(', ') || 'nothing'}; unexpected ${stray.join(', ') || 'nothing'}`
        : `${info.filename}: ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked, ${info.entryCount} files`,
    );
    tarballs.push(join(packs, info.filename));
  }
  return tarballs;
}

async function install(app, tarballs) {
  await mkdir(app, { recursive: true });
  for (const file of EXAMPLE_FILES) await cp(join(example, file), join(app, file));
  const startedAt = Date.now();
  const installed = start('npm install', 'npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
    cwd: app,
    env: cleanEnv({}),
  });
  const timer = setTimeout(() => kill(installed.child, 'SIGKILL'), 15 * 60_000);
  const { code } = await installed.exited;
  clearTimeout(timer);
  check(
    code === 0,
    'npm install of the tarballs with the example',
    code === 0 ? seconds(Date.now() - startedAt) : tail(installed.lines),
  );
  // Dependencies whose engines leave out this Node: listed; the runs below show whether they work.
  const output = installed.lines.join('\n');
  for (const [, pkg, range] of output.matchAll(
    /EBADENGINE[^\n]*\n[^\n]*package: '([^']+)'[^\n]*\n[^\n]*node: '([^']+)'/g,
  )) {
    console.log(`NOTE ${pkg} declares node ${range}; this run is on ${process.version}`);
  }
  const present = [];
  for (const forbidden of ['tsx', 'typescript']) {
    if (await stat(join(app, 'node_modules', forbidden)).catch(() => undefined)) present.push(forbidden);
  }
  check(present.length === 0, 'no TypeScript tooling installed', present.join(', '));
}

async function importAll(app, node, label) {
  await writeFile(
    join(app, 'import-all.mjs'),
    [
      "for (const name of ['@tenure/protocol', '@tenure/client', '@tenure/react', '@tenure/verify', '@tenure/server'])",
      '  await import(name);',
      "import.meta.resolve('@tenure/react/styles.css');",
      '',
    ].join('\n'),
  );
  await exec(node[0], [...node.slice(1), 'import-all.mjs'], {
    cwd: app,
    env: cleanEnv({}),
    timeoutMs: 120_000,
  });
  report(true, `${label}: every package imports with plain node`);
}

async function exercise(app, node, label, database) {
  const appPort = await freePort();
  const servicePort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const shared = redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix } : {};
  const appEnv = cleanEnv({
    ...shared,
    PORT: String(appPort),
    HOST: '127.0.0.1',
    DATABASE_URL: database,
    REVOCATION_FEED_TOKEN: feedToken,
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
  });
  const serviceEnv = cleanEnv({
    ...shared,
    ...(mode === 'feed' && { REVOCATION_FEED_TOKEN: feedToken }),
    PORT: String(servicePort),
    HOST: '127.0.0.1',
    TENURE_URL: appUrl,
  });
  const [command, ...prefix] = node;
  const appProc = start(`${label} app.mjs`, command, [...prefix, 'app.mjs'], { cwd: app, env: appEnv });
  const serviceProc = start(`${label} service.mjs`, command, [...prefix, 'service.mjs'], {
    cwd: app,
    env: serviceEnv,
  });
  try {
    const appUpMs = await waitUntilUp(appProc, `${appUrl}/.well-known/jwks.json`, STARTUP_TIMEOUT_MS);
    report(true, `${label}: app.mjs (Fastify + tenure plugin) up`, `${seconds(appUpMs)} to first answer`);
    await waitUntilUp(serviceProc, `${serviceUrl}/healthz`, 60_000);
    report(true, `${label}: service.mjs (Express + @tenure/verify, ${mode} mode) up`);

    const wrong = await request(`${appUrl}/auth/sign-in`, {
      method: 'POST',
      body: { username: 'octo', password: 'not it' },
    });
    check(
      wrong.status === 401,
      `${label}: the app's own sign-in refuses a wrong password`,
      `${wrong.status}`,
    );

    const signIn = () =>
      request(`${appUrl}/auth/sign-in`, {
        method: 'POST',
        body: { username: 'octo', password: 'correct horse' },
      });
    const first = await signIn();
    check(
      first.status === 200 &&
        first.json?.user?.id === 'acme|4711' &&
        typeof first.json.accessToken === 'string',
      `${label}: sign-in through the app's own route starts a Tenure session`,
      `${first.status} ${first.status === 200 ? `user ${first.json?.user?.id}` : first.text}`,
    );
    const token = first.json.accessToken;
    const sessionId = first.json.session.id;

    const projects = await request(`${appUrl}/api/projects`, { token });
    check(
      projects.status === 200 &&
        projects.json?.userId === 'acme|4711' &&
        projects.json.sessionId === sessionId,
      `${label}: the app's route behind app.authenticate accepts the token`,
      `${projects.status}`,
    );
    const invoices = await request(`${serviceUrl}/api/invoices`, { token });
    check(
      invoices.status === 200 && invoices.json?.userId === 'acme|4711',
      `${label}: the Express service accepts the token`,
      `${invoices.status} ${invoices.status === 200 ? '' : invoices.text}`.trim(),
    );

    const second = await signIn();
    check(second.status === 200, `${label}: a second session signs in`, `${second.status}`);
    const revokedAt = Date.now();
    const revoke = await request(`${appUrl}/api/auth/sessions/${sessionId}`, {
      method: 'DELETE',
      token: second.json.accessToken,
    });
    check(
      revoke.status === 204,
      `${label}: DELETE /api/auth/sessions/:id from the second session`,
      `${revoke.status}`,
    );
    let refused;
    while (Date.now() - revokedAt < revocationBoundMs + 3000) {
      const attempt = await request(`${serviceUrl}/api/invoices`, { token });
      if (attempt.status !== 200) {
        refused = { ...attempt, afterMs: Date.now() - revokedAt };
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    check(
      refused?.status === 401 && refused.json?.error?.code === 'session_revoked',
      `${label}: the Express service refuses the signed-out session with 401 session_revoked`,
      refused ? `${refused.status} ${refused.json?.error?.code ?? refused.text}` : 'still accepted',
    );
    check(
      refused.afterMs <= revocationBoundMs,
      `${label}: ... within ${seconds(revocationBoundMs)} (${mode} mode)`,
      `after ${refused.afterMs} ms`,
    );
    const appRefusal = await request(`${appUrl}/api/projects`, { token });
    check(
      appRefusal.status === 401 && appRefusal.json?.error?.code === 'session_revoked',
      `${label}: the app's own route refuses it too`,
      `${appRefusal.status} ${appRefusal.json?.error?.code ?? ''}`.trim(),
    );

    const tokenFile = join(app, `.refresh-token-${randomBytes(4).toString('hex')}`);
    try {
      const output = await exec(command, [...prefix, 'client.mjs'], {
        cwd: app,
        env: cleanEnv({
          APP_URL: appUrl,
          SERVICE_URL: serviceUrl,
          TENURE_USERNAME: 'mona',
          TENURE_PASSWORD: 'battery staple',
          TOKEN_FILE: tokenFile,
        }),
        timeoutMs: 60_000,
      });
      const line = output.trim().split('\n').at(-1) ?? '';
      const left = await stat(tokenFile).catch(() => undefined);
      report(
        line === '{"projects":1,"invoices":1}' && !left,
        `${label}: client.mjs (createTenureClient, transport 'body') signs in, calls both, signs out`,
        left ? 'the refresh token is still stored after logout' : line,
      );
    } catch (error) {
      report(
        false,
        `${label}: client.mjs (createTenureClient, transport 'body')`,
        String(error.message ?? error),
      );
    }
  } catch (error) {
    if (!(error instanceof StepFailure))
      report(false, `${label}: unexpected error`, String(error?.stack ?? error));
    else if (!results.some((result) => result.name === error.message)) report(false, error.message);
    for (const proc of [appProc, serviceProc])
      console.log(`--- last output of ${proc.name}\n${tail(proc.lines)}`);
  } finally {
    const stopped = await Promise.all([stop(appProc), stop(serviceProc)]);
    report(stopped.every(Boolean), `${label}: app and service stop on SIGTERM`);
  }
}

/**
 * A TypeScript adopter compiles against the published declarations: `app.authenticate`,
 * `request.auth`, `reply.startSession`, the verifier and the body-transport client are typed.
 * Uses this repository's TypeScript and Node types; everything else resolves in the install.
 */
async function checkTypes(app) {
  await writeFile(
    join(app, 'adopter-types.ts'),
    `import { createTenureClient } from '@tenure/client';
import { loadConfig, type SignedInResponse, tenure } from '@tenure/server';
import { createVerifier, requireSession, type VerifiedSession } from '@tenure/verify';
import Fastify from 'fastify';

const app = Fastify({ pluginTimeout: 60_000 });
await app.register(tenure, { config: loadConfig(process.env), passwordAuth: false, jobs: false });
app.post('/auth/sign-in', async (_request, reply): Promise<SignedInResponse> =>
  reply.startSession('acme|4711', { email: 'octo@example.com', name: 'Octo' }),
);
app.get('/api/projects', { preHandler: app.authenticate }, async (request) => {
  const { userId, sessionId }: { userId: string; sessionId: string } = request.auth;
  return { userId, sessionId };
});
const verifier = createVerifier({
  issuer: 'tenure',
  audience: 'tenure',
  jwksUrl: 'http://127.0.0.1:3000/.well-known/jwks.json',
  revocations: { feedUrl: 'http://127.0.0.1:3000/api/auth/revocations', token: 'x', intervalMs: 2000 },
});
export const middleware = requireSession(verifier);
export const verified: Promise<VerifiedSession> = verifier.verify('token');
export const client = createTenureClient({
  baseURL: 'http://127.0.0.1:3000',
  transport: 'body',
  storage: { get: async () => null, set: async (_token: string) => {}, delete: async () => {} },
});
`,
  );
  await writeFile(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['adopter-types.ts'],
    }),
  );
  try {
    await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: app,
      env: cleanEnv({}),
      timeoutMs: 10 * 60_000,
    });
    report(true, 'a TypeScript adopter compiles against the published .d.ts');
  } catch (error) {
    report(
      false,
      'a TypeScript adopter compiles against the published .d.ts',
      String(error.message ?? error),
    );
  }
}

/** Every snippet in docs/adopting.md marked `<!-- snippet: FILE -->` is code from that file. */
async function checkSnippets() {
  const doc = await readFile(join(root, 'docs/adopting.md'), 'utf8');
  const snippets = [...doc.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
  const stale = [];
  for (const [, file, code] of snippets) {
    if (!(await readFile(join(root, file), 'utf8')).includes(code)) stale.push(file);
  }
  check(
    snippets.length > 0 && stale.length === 0,
    "docs/adopting.md: every snippet is the example's code",
    stale.length ? `not found in ${stale.join(', ')}` : `${snippets.length} snippets`,
  );
}

/** The standalone server from the tarball's bins: migrate, start, sign up, stop. */
async function standalone(app, label, database) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = cleanEnv({
    ...(redisUrl && { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix }),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: database,
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
  });
  const bin = (name) => join(app, 'node_modules/.bin', name);
  try {
    const migrated = await exec(bin('tenure-migrate'), [], { cwd: app, env, timeoutMs: STARTUP_TIMEOUT_MS });
    check(/latest migration/.test(migrated), `${label}: tenure-migrate`, migrated.trim());
  } catch (error) {
    report(false, `${label}: tenure-migrate`, String(error.message ?? error));
    return;
  }
  const server = start(`${label} tenure-server`, bin('tenure-server'), [], { cwd: app, env });
  try {
    const upMs = await waitUntilUp(server, `${url}/readyz`, STARTUP_TIMEOUT_MS);
    report(true, `${label}: tenure-server (standalone) up`, `${seconds(upMs)} to ready`);
    const signUp = await request(`${url}/api/auth/register`, {
      method: 'POST',
      body: { email: `pack-${run}@example.com`, password: 'a long unguessable passphrase' },
    });
    check(signUp.status === 201, `${label}: tenure-server signs a user up`, `${signUp.status}`);
    const me = await request(`${url}/api/auth/me`, { token: signUp.json.accessToken });
    check(
      me.status === 200 && me.json?.user?.id === signUp.json.user.id,
      `${label}: ... and knows them`,
      `${me.status}`,
    );
  } catch (error) {
    if (!(error instanceof StepFailure))
      report(false, `${label}: tenure-server`, String(error?.stack ?? error));
    else if (!results.some((result) => result.name === error.message)) report(false, error.message);
    console.log(`--- last output of ${server.name}\n${tail(server.lines)}`);
  } finally {
    report(await stop(server), `${label}: tenure-server stops on SIGTERM`);
  }
}

/** A throwaway database on the PostgreSQL of DATABASE_URL, dropped at the end. */
async function throwawayDatabase() {
  if (!databaseUrl) return 'memory://';
  const { default: pg } = await import('pg');
  const name = `tenure_pack_${Date.now()}_${run}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes what this run left under its Redis key prefix. */
function dropRedisKeys() {
  if (!redisUrl) return;
  cleanups.push(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisKeyPrefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'tenure-pack-'));
  // PACK_TEST_KEEP=1 leaves the tarballs and the installed example for a look afterwards.
  if (!process.env.PACK_TEST_KEEP) cleanups.push(() => rm(work, { recursive: true, force: true }));
  const packs = join(work, 'packs');
  const app = join(work, 'app');
  console.log(
    `Pack test in ${work}: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ${mode} mode` +
      ` (a signed-out session must be refused within ${seconds(revocationBoundMs)})`,
  );
  try {
    await checkSnippets();
    const tarballs = await pack(packs);
    await install(app, tarballs);
    const database = await throwawayDatabase();
    dropRedisKeys();

    const here = ['node'];
    const hereLabel = `Node ${process.versions.node.split('.')[0]}`;
    await checkTypes(app);
    await importAll(app, here, hereLabel);
    await exercise(app, here, hereLabel, database);
    await standalone(app, hereLabel, databaseUrl ? database : `file://${join(work, 'standalone-db')}`);

    const node24 = ['npx', '-y', '-p', 'node@24', 'node'];
    const fetchStartedAt = Date.now();
    const version = (
      await exec(node24[0], [...node24.slice(1), '--version'], {
        cwd: work,
        env: cleanEnv({}),
        timeoutMs: 10 * 60_000,
      })
    ).trim();
    check(
      version.startsWith('v24.'),
      'Node 24 through npx -p node@24',
      `${version.split('\n').at(-1)}; ${seconds(Date.now() - fetchStartedAt)} to fetch (or find in the npx cache) and start`,
    );
    await importAll(app, node24, 'Node 24');
    await exercise(app, node24, 'Node 24', database);
  } catch (error) {
    if (!(error instanceof StepFailure)) report(false, 'pack test', String(error?.stack ?? error));
  }
}

async function cleanUp() {
  for (const child of children) kill(child, 'SIGKILL');
  for (const cleanup of cleanups.reverse())
    await cleanup().catch((error) => console.log(`cleanup: ${error}`));
}

process.on('exit', () => {
  for (const child of children) kill(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.log(`FAIL interrupted by ${signal}`);
    await cleanUp();
    process.exit(1);
  });
}
const watchdog = setTimeout(async () => {
  console.log(`FAIL pack test did not finish within ${seconds(OVERALL_TIMEOUT_MS)}`);
  await cleanUp();
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

await main();
await cleanUp();
const failed = results.filter((result) => !result.ok);
console.log(
  failed.length === 0 && results.length > 0
    ? `PASS pack test: ${results.length} checks`
    : `FAIL pack test: ${failed.length} of ${results.length} checks failed`,
);
process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
