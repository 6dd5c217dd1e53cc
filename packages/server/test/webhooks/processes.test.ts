import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_MAC, PASSWORD, SAFARI_IPHONE, uniqueEmail } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl, usingPostgres } from '../helpers/database.ts';
import { parseExposition, sampleValue } from '../ops/scrape.ts';
import { type ServerProcess, spawnServer } from '../ops/server-process.ts';
import { newSecret, type ReceivedEvent, type Receiver, startReceiver } from './receiver.ts';

// Webhook delivery across real server processes: one killed mid-delivery, and two sharing the
// outbox. Several processes on one database need PostgreSQL (PGlite is single-process), and
// sessions shared between instances need Redis.
const shared = usingPostgres && Boolean(process.env.REDIS_URL);

// Server start-up (tsx, migrations, geo database) is slow on a busy machine.
const START_TIMEOUT_MS = 180_000;

interface Signed {
  accessToken: string;
  sessionId: string;
  userId: string;
  email: string;
}

async function call(
  server: ServerProcess,
  path: string,
  init: { body?: unknown; token?: string; ua?: string },
) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-requested-with': 'XMLHttpRequest',
      'user-agent': init.ua ?? CHROME_MAC,
      ...(init.token && { authorization: `Bearer ${init.token}` }),
    },
    body: JSON.stringify(init.body ?? {}),
  });
}

async function signedIn(response: Response, email: string, status: number): Promise<Signed> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text);
  return { accessToken: body.accessToken, sessionId: body.session.id, userId: body.user.id, email };
}

async function register(server: ServerProcess): Promise<Signed> {
  const email = uniqueEmail();
  const response = await call(server, '/api/auth/register', {
    body: { email, password: PASSWORD, name: 'Hook User' },
  });
  return signedIn(response, email, 201);
}

async function login(server: ServerProcess, email: string): Promise<Signed> {
  const response = await call(server, '/api/auth/login', {
    body: { email, password: PASSWORD },
    ua: SAFARI_IPHONE,
  });
  return signedIn(response, email, 200);
}

async function logout(server: ServerProcess, user: Signed): Promise<void> {
  const response = await call(server, '/api/auth/logout', { token: user.accessToken });
  expect(response.status, await response.text()).toBe(204);
}

interface OutboxRow {
  message_id: string;
  type: string;
  ordering_key: string;
  state: string;
  attempts: number;
}

async function outbox(url: string): Promise<OutboxRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<OutboxRow>(
      'SELECT message_id, type, ordering_key, state, attempts FROM webhook_outbox ORDER BY id',
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

async function scrape(server: ServerProcess) {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** A fresh database, a receiver, and the servers started on them; all closed in `close`. */
async function setUp() {
  const database = await freshDatabaseUrl();
  const secret = newSecret();
  const receiver = await startReceiver(secret);
  const servers: ServerProcess[] = [];
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `tenure-test-${randomBytes(4).toString('hex')}:`,
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: secret,
  };
  return {
    database,
    receiver,
    async start(): Promise<ServerProcess> {
      const server = await spawnServer(env);
      servers.push(server);
      return server;
    },
    async close() {
      for (const server of servers) {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server.exited;
      }
      await receiver.close();
      await database.drop();
    },
  };
}

/** The outbox once nothing in it is pending any more (outcomes are recorded just after the answer). */
async function allDelivered(url: string): Promise<OutboxRow[]> {
  await expect
    .poll(async () => (await outbox(url)).filter((row) => row.state !== 'delivered').length, {
      timeout: 20_000,
    })
    .toBe(0);
  return outbox(url);
}

/**
 * Every event in the outbox was delivered, and the receiver got each exactly once (or, where an
 * outcome could not be recorded, at least once: the same id again, which receivers deduplicate).
 */
function expectAllDelivered(
  rows: OutboxRow[],
  receiver: Receiver,
  copiesAllowed: 'once' | 'at least once',
): void {
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.filter((row) => row.state !== 'delivered')).toEqual([]);
  const copies = countBy(receiver.delivered, (event) => event.id);
  if (copiesAllowed === 'once') expect([...copies].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...copies.keys()].sort()).toEqual(rows.map((row) => row.message_id).sort());
  expect(receiver.rejected).toEqual([]);
}

describe.runIf(shared)('webhooks: a server killed mid-delivery', () => {
  let setup: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    setup = await setUp();
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  }, 60_000);

  it('the hung event is delivered after a restart with the same webhook-id, once, and nothing written is lost', {
    timeout: 60_000 + START_TIMEOUT_MS,
  }, async () => {
    const { receiver } = setup;
    receiver.answers.push('hang');
    const first = await setup.start();

    const user = await register(first);
    await until(
      () =>
        receiver.attempts.some((e) => e.type === 'session.created' && e.data.sessionId === user.sessionId),
      10_000,
      'the first attempt of session.created',
    );
    const hung = receiver.attempts[0]!;
    expect(hung).toMatchObject({ type: 'session.created', data: { sessionId: user.sessionId } });
    expect(receiver.delivered).toEqual([]);

    // While that attempt hangs, more events are written: the same session's ending (held back
    // behind its creation) and another user's creation (not held back: it may go out at once).
    const [, other] = await Promise.all([logout(first, user), register(first)]);

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    // Killed before the attempt's 10 s timeout, so the crash really came mid-delivery.
    expect(killedAt - hung.receivedAt, 'the machine was too slow for this test').toBeLessThan(9_000);
    // The crashed process got no answer for that attempt, and never sent the session's ending.
    expect(receiver.attempts.filter((e) => e.id === hung.id)).toHaveLength(1);
    expect(receiver.attempts.filter((e) => e.data.sessionId === user.sessionId)).toHaveLength(1);

    // The lease (10 s timeout + 5 s) runs out and the new process delivers it again.
    await setup.start();
    const byType = (events: ReceivedEvent[], sessionId: string, type: string) =>
      events.filter((e) => e.data.sessionId === sessionId && e.type === type);
    await receiver.waitFor(
      (delivered) =>
        byType(delivered, user.sessionId, 'session.ended').length > 0 &&
        byType(delivered, other.sessionId, 'session.created').length > 0,
      45_000,
    );

    const again = receiver.delivered.filter((e) => e.id === hung.id);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ type: 'session.created', data: { sessionId: user.sessionId } });
    expect(again[0]!.receivedAt).toBeGreaterThan(killedAt);
    expect(receiver.attempts.filter((e) => e.id === hung.id)).toHaveLength(2);

    // Per session: its creation before its ending, however late the creation came.
    const mine = receiver.delivered.filter((e) => e.data.sessionId === user.sessionId).map((e) => e.type);
    expect(mine.indexOf('session.created')).toBeLessThan(mine.indexOf('session.ended'));
    expect(byType(receiver.delivered, user.sessionId, 'session.ended')[0]!.data.reason).toBe('signed_out');

    expectAllDelivered(await allDelivered(setup.database.url), receiver, 'at least once');
  });
});

describe.runIf(shared)('webhooks: two instances on one PostgreSQL and one Redis', () => {
  let setup: Awaited<ReturnType<typeof setUp>>;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    setup = await setUp();
    // One after the other: the first applies the migrations.
    a = await setup.start();
    b = await setup.start();
  }, 2 * START_TIMEOUT_MS);
  afterAll(async () => {
    await setup?.close();
  }, 60_000);

  it('deliver every event exactly once, in order per session', { timeout: 120_000 }, async () => {
    const { receiver } = setup;
    const instances = [a, b];
    // 20 users registered alternately on each instance, each signing in again on the other;
    // every other user signs out of both sessions, one through each instance.
    const people = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const here = instances[i % 2]!;
        const there = instances[(i + 1) % 2]!;
        const user = await register(here);
        const phone = await login(there, user.email);
        const signsOut = i % 2 === 0;
        if (signsOut) {
          await logout(there, user);
          await logout(here, phone);
        }
        return { sessions: [user, phone], signsOut };
      }),
    );
    const sessions = people.flatMap((p) => p.sessions);
    const endedSessions = people.filter((p) => p.signsOut).flatMap((p) => p.sessions);
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(40);
    expect(endedSessions).toHaveLength(20);

    await receiver.waitFor(
      (delivered) =>
        sessions.every((s) =>
          delivered.some((e) => e.type === 'session.created' && e.data.sessionId === s.sessionId),
        ) &&
        endedSessions.every((s) =>
          delivered.some((e) => e.type === 'session.ended' && e.data.sessionId === s.sessionId),
        ),
      60_000,
    );
    // Anything still pending (an event written after those, e.g. a new-device notice) arrives too.
    const rows = await allDelivered(setup.database.url);
    expectAllDelivered(rows, receiver, 'once');
    // Each event was attempted once: no instance delivered what the other had claimed.
    expect(receiver.attempts).toHaveLength(receiver.delivered.length);
    expect(rows.filter((row) => row.attempts !== 1)).toEqual([]);
    // The instances' counters add up to one delivery per event, with no retry or failure; the
    // queue reads empty on both.
    const metrics = await Promise.all(instances.map(scrape));
    const total = (outcome: string) =>
      metrics.reduce(
        (sum, m) => sum + (sampleValue(m, 'tenure_webhook_deliveries_total', { outcome }) ?? 0),
        0,
      );
    expect(total('delivered')).toBe(rows.length);
    expect([total('retry'), total('failed')]).toEqual([0, 0]);
    for (const m of metrics) {
      expect(sampleValue(m, 'tenure_webhook_queue_depth')).toBe(0);
      expect(sampleValue(m, 'tenure_webhook_oldest_pending_age_seconds')).toBe(0);
    }
    console.info(
      `[webhooks/processes] ${rows.length} events; delivered by a: ${sampleValue(metrics[0]!, 'tenure_webhook_deliveries_total', { outcome: 'delivered' })}, by b: ${sampleValue(metrics[1]!, 'tenure_webhook_deliveries_total', { outcome: 'delivered' })}`,
    );
    // Neither instance logged an error (pino level 50) along the way.
    const errors = (server: ServerProcess) => server.logs.filter((line) => Number(line.level) >= 50);
    expect([...errors(a), ...errors(b)]).toEqual([]);

    for (const session of sessions) {
      const types = receiver.delivered
        .filter((e) => e.data.sessionId === session.sessionId)
        .map((e) => e.type);
      expect(
        types.filter((t) => t === 'session.created'),
        session.sessionId,
      ).toHaveLength(1);
      if (endedSessions.includes(session)) {
        expect(types.filter((t) => t === 'session.ended')).toHaveLength(1);
        expect(types.indexOf('session.created')).toBeLessThan(types.indexOf('session.ended'));
        expect(types.at(-1)).toBe('session.ended');
      } else {
        expect(types).not.toContain('session.ended');
      }
    }
  });
});

describe.runIf(shared)('webhooks: a database outage mid-delivery', () => {
  let setup: Awaited<ReturnType<typeof setUp>>;
  let admin: pg.Client;
  let databaseName: string;
  beforeAll(async () => {
    setup = await setUp();
    databaseName = new URL(setup.database.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await setup?.close();
  }, 60_000);

  it('loses nothing: an outcome that could not be recorded is retried with the same id once the database is back', {
    timeout: 60_000 + START_TIMEOUT_MS,
  }, async () => {
    const { receiver } = setup;
    const server = await setup.start();
    const user = await register(server);
    await receiver.waitFor((delivered) => delivered.some((e) => e.data.sessionId === user.sessionId));

    // The ending's first attempt hangs; meanwhile another event is written and waits.
    receiver.answers.push('hang');
    await logout(server, user);
    await until(
      () => receiver.attempts.some((e) => e.type === 'session.ended'),
      10_000,
      'the first attempt of session.ended',
    );
    const hung = receiver.attempts.find((e) => e.type === 'session.ended')!;
    const other = await register(server);

    // The database goes away while the attempt is under way: when it times out (10 s), its
    // outcome cannot be written, and the outbox cannot be read.
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      databaseName,
    ]);
    await server.waitForLog('could not record a webhook delivery outcome', { timeoutMs: 20_000 });
    expect(receiver.delivered.filter((e) => e.id === hung.id)).toEqual([]);
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);

    // Back: the lease runs out and the same event is delivered, then the one that waited.
    await receiver.waitFor(
      (delivered) =>
        delivered.some((e) => e.id === hung.id) &&
        delivered.some((e) => e.type === 'session.created' && e.data.sessionId === other.sessionId),
      30_000,
    );
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(receiver.delivered.filter((e) => e.id === hung.id)).toMatchObject([
      { type: 'session.ended', data: { sessionId: user.sessionId, reason: 'signed_out' } },
    ]);
    // An event delivered just as the database went away could not be marked delivered: it is
    // sent again after its lease, with its id. At least once, never lost.
    expectAllDelivered(await allDelivered(setup.database.url), receiver, 'at least once');
  });
});
