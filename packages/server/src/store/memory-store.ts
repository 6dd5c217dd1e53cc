import { StoreUnavailableError } from '../errors.ts';
import { LocalDenylist } from './local-denylist.ts';
import type { CounterState, HitOptions, Store, StoreClock } from './store.ts';

interface MemoryStoreOptions {
  /** @default Date.now */
  clock?: StoreClock;
  /** How often expired denylist entries, counters and claims are dropped. @default 60_000 */
  sweepIntervalMs?: number;
  /**
   * Most counters kept at once. Beyond it the oldest counter is forgotten (as
   * `@fastify/rate-limit`'s own local store does), so a flood of distinct keys cannot exhaust
   * memory. Denylist entries are never dropped this way.
   * @default 100_000
   */
  maxCounters?: number;
}

interface Counter {
  count: number;
  expiresAt: number;
}

/**
 * The embedded default: everything in this process. Correct for a single instance only; with
 * several instances use `RedisStore`.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly clock: StoreClock;
  private readonly denylist: LocalDenylist;
  private readonly counters = new Map<string, Counter>();
  private readonly claims = new Map<string, number>();
  private readonly maxCounters: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.denylist = new LocalDenylist(this.clock);
    this.maxCounters = options.maxCounters ?? 100_000;
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  async denySession(sid: string, untilMs: number): Promise<void> {
    this.assertOpen();
    this.denylist.add(sid, untilMs);
  }

  isSessionDenied(sid: string): boolean {
    this.assertOpen();
    return this.denylist.has(sid);
  }

  async hit(key: string, windowMs: number, options: HitOptions = {}): Promise<CounterState> {
    this.assertOpen();
    const now = this.clock.now();
    let counter = this.live(key, now);
    if (counter === undefined) {
      this.makeRoomForCounter(now);
      counter = { count: 0, expiresAt: now + windowMs };
      this.counters.set(key, counter);
    }
    counter.count += 1;
    const { max, onExceed } = options;
    if (onExceed === 'restart' && max !== undefined && counter.count > max)
      counter.expiresAt = now + windowMs;
    return { count: counter.count, resetInMs: counter.expiresAt - now };
  }

  async peek(key: string): Promise<CounterState> {
    this.assertOpen();
    const now = this.clock.now();
    const counter = this.live(key, now);
    return counter === undefined
      ? { count: 0, resetInMs: 0 }
      : { count: counter.count, resetInMs: counter.expiresAt - now };
  }

  async reset(key: string): Promise<void> {
    this.assertOpen();
    this.counters.delete(key);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const now = this.clock.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttlMs);
    return true;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** How many entries are held, to show that sweeping bounds memory. */
  sizes(): { deniedSessions: number; counters: number; claims: number } {
    return { deniedSessions: this.denylist.size, counters: this.counters.size, claims: this.claims.size };
  }

  async close(): Promise<void> {
    if (this.sweeper === undefined) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter === undefined) return undefined;
    if (counter.expiresAt > now) return counter;
    this.counters.delete(key);
    return undefined;
  }

  private makeRoomForCounter(now: number): void {
    if (this.counters.size < this.maxCounters) return;
    this.sweepCounters(now);
    // Still full: forget the oldest counter (Map iteration follows insertion order).
    const oldest = this.counters.keys().next();
    if (this.counters.size >= this.maxCounters && oldest.done !== true) this.counters.delete(oldest.value);
  }

  private sweep(): void {
    const now = this.clock.now();
    this.denylist.sweep();
    this.sweepCounters(now);
    for (const [key, until] of this.claims) {
      if (until <= now) this.claims.delete(key);
    }
  }

  private sweepCounters(now: number): void {
    for (const [key, counter] of this.counters) {
      if (counter.expiresAt <= now) this.counters.delete(key);
    }
  }

  private assertOpen(): void {
    if (this.sweeper === undefined)
      throw new StoreUnavailableError('store', new Error('MemoryStore is closed'));
  }
}
