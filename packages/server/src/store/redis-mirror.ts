import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../errors.ts';
import { LocalDenylist } from './local-denylist.ts';
import type { StoreClock, StoreLogger } from './store.ts';

interface MirrorOptions {
  subscriber: Redis;
  /** Reads every live denylist entry through the command connection. */
  readSnapshot: () => Promise<Array<[sid: string, untilMs: number]>>;
  /** Writes entries back to Redis (used when Redis lost them, e.g. restarted without persistence). */
  writeBack: (entries: Array<[sid: string, untilMs: number]>) => Promise<void>;
  denyChannel: string;
  clock: StoreClock;
  logger: StoreLogger;
  /** Ping the subscriber connection this often to notice a silently dead socket. */
  heartbeatIntervalMs: number;
  sweepIntervalMs: number;
}

const RESYNC_RETRY_MS = 100;

/**
 * This instance's copy of the Redis denylist, kept current by the denylist's pub/sub channel.
 *
 * The copy is trusted ("synced") only between a confirmed subscription followed by a full
 * snapshot read, and the next loss of the subscriber connection: any message published while
 * we were not subscribed is lost, so each reconnect subscribes first and then re-reads
 * everything. Denials only ever grow until they expire, so merging the snapshot into the copy
 * is always correct, whatever order messages and snapshot arrive in. Entries we hold that
 * Redis no longer has (it restarted empty) are written back, so instances started later learn
 * of them too.
 */
export class RedisMirror {
  private readonly denylist: LocalDenylist;
  private synced = false;
  private closed = false;
  /** Bumped on every connection loss; work started under an older epoch is discarded. */
  private epoch = 0;
  private subscribed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private waiters: Array<(synced: boolean) => void> = [];

  constructor(private readonly options: MirrorOptions) {
    this.denylist = new LocalDenylist(options.clock);
    const sub = options.subscriber;
    sub.on('ready', () => void this.subscribeAndResync());
    sub.on('close', () => this.lose('subscriber connection closed'));
    sub.on('message', (channel: string, message: string) => this.onDenyMessage(channel, message));
    const sweeper = setInterval(() => this.denylist.sweep(), options.sweepIntervalMs);
    const heartbeat = setInterval(() => this.heartbeat(), options.heartbeatIntervalMs);
    for (const timer of [sweeper, heartbeat]) {
      timer.unref();
      this.timers.push(timer);
    }
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Synchronous; fails closed while the copy may be missing denials. */
  isDenied(sid: string): boolean {
    if (!this.synced) {
      throw new StoreUnavailableError('store', new Error('denylist copy is not synchronised with Redis'));
    }
    return this.denylist.has(sid);
  }

  /** Records a denial this instance has just written, without waiting for its echo. */
  addLocal(sid: string, untilMs: number): void {
    this.denylist.add(sid, untilMs);
  }

  /** Resolves true at the first synchronisation; false after `timeoutMs` or on close. */
  waitUntilSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push((synced) => {
        clearTimeout(timer);
        resolve(synced);
      });
    });
  }

  /** The command connection is back: finish a resync that failed for lack of it. */
  onCommandReady(): void {
    if (this.subscribed && !this.synced) void this.resync(this.epoch);
  }

  close(): void {
    this.closed = true;
    this.synced = false;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.retryTimer);
    for (const wake of this.waiters) wake(false);
    this.waiters = [];
  }

  private async subscribeAndResync(): Promise<void> {
    const epoch = this.epoch;
    const sub = this.options.subscriber;
    try {
      await sub.subscribe(this.options.denyChannel);
    } catch (error) {
      if (epoch !== this.epoch || this.closed) return;
      this.options.logger.warn({ err: error }, 'store: subscribing to Redis failed; reconnecting');
      sub.disconnect(true);
      return;
    }
    if (epoch !== this.epoch || this.closed) return;
    this.subscribed = true;
    await this.resync(epoch);
  }

  private async resync(epoch: number): Promise<void> {
    clearTimeout(this.retryTimer);
    let snapshot: Array<[string, number]>;
    try {
      snapshot = await this.options.readSnapshot();
    } catch {
      if (epoch !== this.epoch || this.closed) return;
      // Usually the command connection is still reconnecting; `onCommandReady` may beat this.
      // Same epoch only: after a reconnect, the new subscription starts its own resync.
      this.retryTimer = setTimeout(() => void this.resync(epoch), RESYNC_RETRY_MS);
      this.retryTimer.unref();
      return;
    }
    if (epoch !== this.epoch || this.closed || this.synced) return;
    const inRedis = new Map(snapshot);
    for (const [sid, untilMs] of snapshot) this.denylist.add(sid, untilMs);
    const lost = [...this.denylist.entries()].filter(([sid, untilMs]) => (inRedis.get(sid) ?? 0) < untilMs);
    this.synced = true;
    this.options.logger.info({ entries: this.denylist.size }, 'store: denylist copy synchronised with Redis');
    for (const wake of this.waiters) wake(true);
    this.waiters = [];
    if (lost.length > 0) void this.restore(lost);
  }

  private async restore(lost: Array<[string, number]>): Promise<void> {
    this.options.logger.warn(
      { entries: lost.length },
      'store: Redis lost denylist entries; writing them back',
    );
    try {
      await this.options.writeBack(lost);
    } catch (error) {
      // Our own copy is still complete; the next resync tries again.
      this.options.logger.error({ err: error }, 'store: writing denylist entries back to Redis failed');
    }
  }

  private lose(reason: string): void {
    this.epoch += 1;
    this.subscribed = false;
    clearTimeout(this.retryTimer);
    if (!this.synced || this.closed) return;
    this.synced = false;
    this.options.logger.warn(
      { reason },
      'store: denylist copy unsynchronised; refusing tokens until Redis is back',
    );
  }

  private onDenyMessage(channel: string, message: string): void {
    if (channel !== this.options.denyChannel) return;
    const space = message.indexOf(' ');
    const untilMs = Number(message.slice(0, space));
    if (space < 1 || !Number.isFinite(untilMs)) {
      this.options.logger.error({ channel }, 'store: malformed denylist message ignored');
      return;
    }
    this.denylist.add(message.slice(space + 1), untilMs);
  }

  private heartbeat(): void {
    const sub = this.options.subscriber;
    if (!this.subscribed || sub.status !== 'ready') return;
    const epoch = this.epoch;
    sub.ping().catch(() => {
      if (epoch !== this.epoch || this.closed) return;
      // A half-open socket delivers nothing and reports nothing: drop it and start over.
      this.lose('subscriber heartbeat failed');
      sub.disconnect(true);
    });
  }
}
