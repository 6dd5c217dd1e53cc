import { Redis, type RedisOptions, type Result } from 'ioredis';
import { denyScript, hitScript, peekScript } from './redis-scripts.ts';

// Our Lua scripts as typed ioredis commands (sent as EVALSHA).
declare module 'ioredis' {
  interface RedisCommander<Context> {
    tenureDeny(
      key: string,
      sid: string,
      untilMs: string,
      nowMs: string,
      channel: string,
    ): Result<number, Context>;
    tenureHit(
      key: string,
      windowMs: string,
      max: string,
      onExceed: string,
    ): Result<[number, number], Context>;
    tenurePeek(key: string): Result<[number, number], Context>;
  }
}

export interface ConnectionTuning {
  /** A command without a reply after this long fails (→ 503) instead of hanging. @default 1000 */
  commandTimeoutMs?: number;
  /** @default 2000 */
  connectTimeoutMs?: number;
  /** Reconnect attempts back off from 50 ms up to this. @default 1000 */
  maxReconnectDelayMs?: number;
}

/**
 * Fail fast while Redis is away (no offline queue, one retry, a command timeout) so requests
 * get a 503 at once rather than hanging; ioredis keeps reconnecting in the background.
 */
function baseOptions(tuning: ConnectionTuning): RedisOptions {
  const maxDelay = tuning.maxReconnectDelayMs ?? 1000;
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: tuning.commandTimeoutMs ?? 1000,
    connectTimeout: tuning.connectTimeoutMs ?? 2000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), maxDelay),
  };
}

/** The connection for commands, with our scripts defined. */
export function commandConnection(url: string, tuning: ConnectionTuning, name: string): Redis {
  return new Redis(url, {
    ...baseOptions(tuning),
    connectionName: name,
    scripts: {
      tenureDeny: { lua: denyScript, numberOfKeys: 1 },
      tenureHit: { lua: hitScript, numberOfKeys: 1 },
      tenurePeek: { lua: peekScript, numberOfKeys: 1, readOnly: true },
    },
  });
}

/**
 * A separate connection in subscriber mode. We subscribe ourselves on every `ready` (no
 * auto-resubscribe) so that a resynchronisation always follows a confirmed subscription.
 */
export function subscriberConnection(url: string, tuning: ConnectionTuning, name: string): Redis {
  return new Redis(url, {
    ...baseOptions(tuning),
    connectionName: `${name}-sub`,
    autoResubscribe: false,
  });
}

/** `redis://user:secret@host` → `redis://user:***@host`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/** Quit politely when connected (for at most `graceMs`), then drop the socket and stop reconnecting. */
export async function shutdown(connection: Redis, graceMs = 500): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    // A QUIT sent into a dying socket may never be answered.
    await Promise.race([connection.quit().then(noop, noop), grace]);
    clearTimeout(timer);
  }
  connection.disconnect(false);
}

function noop(): void {}
