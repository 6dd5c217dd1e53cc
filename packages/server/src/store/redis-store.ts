import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../errors.ts';
import {
  type ConnectionTuning,
  commandConnection,
  redactUrl,
  shutdown,
  subscriberConnection,
} from './redis-connection.ts';
import { RedisMirror } from './redis-mirror.ts';
import {
  type CounterState,
  type HitOptions,
  type Store,
  type StoreClock,
  type StoreLogger,
  silentLogger,
} from './store.ts';

export interface RedisStoreOptions extends ConnectionTuning {
  /** e.g. `redis://127.0.0.1:6379` (Redis 7+). */
  url: string;
  /** Prefix of every key and channel, so several apps or test runs can share one Redis. @default 'tenure:' */
  keyPrefix?: string;
  logger?: StoreLogger;
  /** Decides when local denylist copies expire (entries carry epoch ms). @default Date.now */
  clock?: StoreClock;
  /**
   * Names this instance's connections in `CLIENT LIST` (`<name>` and `<name>-sub`); no spaces.
   * @default 'tenure-store'
   */
  connectionName?: string;
  /** @default 5000 */
  heartbeatIntervalMs?: number;
  /** @default 60_000 */
  sweepIntervalMs?: number;
}

/**
 * The store for several instances. The denylist lives in one Redis sorted set keyed by session
 * id; every instance mirrors it in memory (see `RedisMirror`) so that `isSessionDenied` needs
 * no network. Counters and claims are plain Redis keys.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly mirror: RedisMirror;
  private readonly clock: StoreClock;
  private readonly prefix: string;
  private readonly denyKey: string;
  private closed = false;

  /**
   * Connects and waits until this instance's denylist copy is synchronised. Rejects when Redis
   * cannot be reached within `timeoutMs`, so a server with a wrong `REDIS_URL` stops at start.
   */
  static async connect(options: RedisStoreOptions, timeoutMs = 5000): Promise<RedisStore> {
    const store = new RedisStore(options);
    if (await store.mirror.waitUntilSynced(timeoutMs)) return store;
    await store.close();
    throw new StoreUnavailableError(
      'store',
      new Error(`REDIS_URL: no Redis answered at ${redactUrl(options.url)} within ${timeoutMs} ms`),
    );
  }

  /** Starts connecting in the background; the store is usable once the copy is synchronised. */
  constructor(options: RedisStoreOptions) {
    const logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.prefix = options.keyPrefix ?? 'tenure:';
    this.denyKey = `${this.prefix}denylist`;
    const name = options.connectionName ?? 'tenure-store';
    this.commands = commandConnection(options.url, options, name);
    this.subscriber = subscriberConnection(options.url, options, name);
    this.mirror = new RedisMirror({
      subscriber: this.subscriber,
      readSnapshot: () => this.readDenylist(),
      writeBack: async (entries) => {
        await Promise.all(entries.map(([sid, until]) => this.writeDenial(sid, until)));
      },
      denyChannel: this.denyKey,
      clock: this.clock,
      logger,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 5000,
      sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
    });
    this.commands.on('ready', () => this.mirror.onCommandReady());
    for (const [name, connection] of [
      ['commands', this.commands],
      ['subscriber', this.subscriber],
    ] as const) {
      // Log the first error of each outage only; ioredis repeats it on every reconnect attempt.
      let reported = false;
      connection.on('ready', () => {
        reported = false;
      });
      connection.on('error', (error: Error) => {
        if (reported || this.closed) return;
        reported = true;
        logger.warn({ err: error, connection: name }, 'store: Redis connection error; reconnecting');
      });
    }
  }

  async denySession(sid: string, untilMs: number): Promise<void> {
    const now = this.clock.now();
    const until = Math.ceil(untilMs);
    if (until <= now) return;
    await this.run(() =>
      this.commands.tenureDeny(this.denyKey, sid, String(until), String(now), this.denyKey),
    );
    // Our own echo arrives later; this instance must refuse the token from now on.
    this.mirror.addLocal(sid, until);
  }

  isSessionDenied(sid: string): boolean {
    return this.mirror.isDenied(sid);
  }

  async hit(key: string, windowMs: number, options: HitOptions = {}): Promise<CounterState> {
    const [count, resetInMs] = await this.run(() =>
      this.commands.tenureHit(
        this.counterKey(key),
        String(Math.max(1, Math.ceil(windowMs))),
        String(options.max ?? -1),
        options.onExceed ?? 'keep',
      ),
    );
    return { count, resetInMs: Math.max(0, resetInMs) };
  }

  async peek(key: string): Promise<CounterState> {
    const [count, resetInMs] = await this.run(() => this.commands.tenurePeek(this.counterKey(key)));
    return { count, resetInMs };
  }

  async reset(key: string): Promise<void> {
    await this.run(() => this.commands.del(this.counterKey(key)));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.run(() =>
      this.commands.set(`${this.prefix}claim:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return reply === 'OK';
  }

  async ping(): Promise<void> {
    await this.run(() => this.commands.ping());
    if (!this.mirror.isSynced) {
      throw new StoreUnavailableError('store', new Error('denylist copy is not synchronised with Redis'));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.mirror.close();
    await Promise.all([shutdown(this.commands), shutdown(this.subscriber)]);
  }

  private counterKey(key: string): string {
    return `${this.prefix}count:${key}`;
  }

  private async writeDenial(sid: string, until: number): Promise<void> {
    await this.commands.tenureDeny(this.denyKey, sid, String(until), String(this.clock.now()), this.denyKey);
  }

  private async readDenylist(): Promise<Array<[string, number]>> {
    const flat = await this.commands.zrange(
      this.denyKey,
      `(${this.clock.now()}`,
      '+inf',
      'BYSCORE',
      'WITHSCORES',
    );
    const entries: Array<[string, number]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i]!, Number(flat[i + 1])]);
    return entries;
  }

  /** Any failure to talk to Redis is an outage to the caller: 503, retry later. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('store', new Error('RedisStore is closed'));
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError('store', error);
    }
  }
}
