import { Denylist } from './denylist.ts';
import { outageReporter, type RevocationState, unref } from './revocation-state.ts';

export interface RedisRevocationOptions {
  /** The Redis the Tenure servers use, e.g. `redis://verify:secret@redis.internal:6379`. */
  redisUrl: string;
  /** The servers' REDIS_KEY_PREFIX. @default 'tenure:' */
  keyPrefix?: string;
}

/** The part of an ioredis client this mode uses (ioredis is loaded only when it is chosen). */
interface Connection {
  status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  subscribe(channel: string): Promise<unknown>;
  zrangebyscore(key: string, min: string, max: string, withScores: 'WITHSCORES'): Promise<string[]>;
  ping(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}
type ConnectionClass = new (url: string, options: Record<string, unknown>) => Connection;

const RESYNC_RETRY_MS = 100;
// Fail fast while Redis is away and keep reconnecting in the background (at most 1 s apart).
// RESP2 with plain AUTH, no ready check (INFO), no client name or info (CLIENT SETNAME/SETINFO):
// a user allowed SUBSCRIBE, ZRANGEBYSCORE and PING on the denylist alone suffices.
const CONNECTION_OPTIONS = {
  protocol: 2,
  disableClientInfo: true,
  enableOfflineQueue: false,
  enableReadyCheck: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times - 1, 10), 1000),
};

/**
 * A copy of the servers' denylist: the sorted set `<prefix>denylist` (member = session id,
 * score = epoch ms until which to refuse it), kept current by the channel of the same name
 * (messages `<untilMs> <sessionId>`). Each connection subscribes first and then reads the whole
 * set, so nothing published in between is lost; denials only grow, so merging the two in any
 * order is right. A PONG on the subscriber connection proves every message published before
 * the PING has arrived: the copy is as fresh as the last one.
 */
export class RedisRevocations implements RevocationState {
  private readonly firstSync: Promise<void>;
  private markSynced!: () => void;
  private readonly denylist = new Denylist();
  private readonly key: string;
  private readonly outage;
  private subscriber: Connection | undefined;
  private commands: Connection | undefined;
  private synchronised = false;
  private subscribed = false;
  /** Bumped on every loss of the subscriber; work begun under an older epoch is dropped. */
  private epoch = 0;
  private lastFreshAt: number | undefined;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly options: RedisRevocationOptions,
    maxStalenessMs: number,
    report: (error: unknown) => void,
  ) {
    this.key = `${options.keyPrefix ?? 'tenure:'}denylist`;
    this.outage = outageReporter(report);
    this.firstSync = new Promise((resolve) => {
      this.markSynced = resolve;
    });
    const beatMs = Math.min(5000, Math.max(50, maxStalenessMs / 4));
    this.heartbeat = setInterval(() => this.beat(), beatMs);
    unref(this.heartbeat);
    void this.connect();
  }

  isRevoked(sessionId: string, nowMs: number): boolean {
    return this.denylist.has(sessionId, nowMs);
  }

  freshAt(): number | undefined {
    return this.closed ? undefined : this.lastFreshAt;
  }

  /** Nothing to do on demand: pub/sub and resyncs keep the copy current. Waits for the first sync. */
  catchUp(): Promise<void> {
    return this.closed ? Promise.resolve() : this.firstSync;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.synchronised = false;
    clearInterval(this.heartbeat);
    clearTimeout(this.retryTimer);
    this.subscriber?.disconnect();
    this.commands?.disconnect();
  }

  private async connect(): Promise<void> {
    let Connection: ConnectionClass;
    try {
      const ioredis = await import('ioredis');
      Connection = (ioredis.Redis ?? ioredis.default) as unknown as ConnectionClass;
    } catch (error) {
      this.outage.failed(new Error('@tenure/verify: Redis mode needs the ioredis package', { cause: error }));
      return;
    }
    if (this.closed) return;
    const commands = new Connection(this.options.redisUrl, CONNECTION_OPTIONS);
    const subscriber = new Connection(this.options.redisUrl, {
      ...CONNECTION_OPTIONS,
      autoResubscribe: false,
    });
    this.commands = commands;
    this.subscriber = subscriber;
    for (const connection of [commands, subscriber]) {
      connection.on('error', (error) => {
        if (!this.closed) this.outage.failed(error);
      });
    }
    subscriber.on('ready', () => void this.subscribeAndResync());
    subscriber.on('close', () => this.lose());
    subscriber.on('message', (channel, message) => this.onMessage(channel, message));
    // The snapshot needs the command connection: finish a resync that waited for it.
    commands.on('ready', () => {
      if (this.subscribed && !this.synchronised) void this.resync(this.epoch);
    });
  }

  private async subscribeAndResync(): Promise<void> {
    const epoch = this.epoch;
    try {
      await this.subscriber!.subscribe(this.key);
    } catch (error) {
      if (epoch !== this.epoch || this.closed) return;
      this.outage.failed(error);
      this.subscriber!.disconnect(true);
      return;
    }
    if (epoch !== this.epoch || this.closed) return;
    this.subscribed = true;
    await this.resync(epoch);
  }

  private async resync(epoch: number): Promise<void> {
    clearTimeout(this.retryTimer);
    const readAt = Date.now();
    let flat: string[];
    try {
      flat = await this.commands!.zrangebyscore(this.key, `(${readAt}`, '+inf', 'WITHSCORES');
    } catch (error) {
      if (epoch !== this.epoch || this.closed) return;
      this.outage.failed(error);
      this.retryTimer = setTimeout(() => void this.resync(epoch), RESYNC_RETRY_MS);
      unref(this.retryTimer);
      return;
    }
    if (epoch !== this.epoch || this.closed || this.synchronised) return;
    for (let i = 0; i + 1 < flat.length; i += 2) this.denylist.add(flat[i]!, Number(flat[i + 1]));
    this.synchronised = true;
    this.lastFreshAt = readAt;
    this.outage.recovered();
    this.markSynced();
  }

  /** Messages published while we were not subscribed are lost: distrust the copy until resync. */
  private lose(): void {
    this.epoch += 1;
    this.subscribed = false;
    this.synchronised = false;
    clearTimeout(this.retryTimer);
  }

  private onMessage(channel: string, message: string): void {
    if (channel !== this.key) return;
    const space = message.indexOf(' ');
    const untilMs = Number(message.slice(0, space));
    if (space < 1 || !Number.isFinite(untilMs)) return;
    this.denylist.add(message.slice(space + 1), untilMs);
  }

  private beat(): void {
    this.denylist.prune(Date.now());
    const subscriber = this.subscriber;
    if (!subscriber || !this.synchronised || subscriber.status !== 'ready') return;
    const epoch = this.epoch;
    const sentAt = Date.now();
    subscriber.ping().then(
      () => {
        if (epoch === this.epoch && this.synchronised)
          this.lastFreshAt = Math.max(this.lastFreshAt ?? 0, sentAt);
      },
      () => {
        if (epoch !== this.epoch || this.closed) return;
        // A half-open socket delivers nothing and reports nothing: drop it and start over.
        this.lose();
        subscriber.disconnect(true);
      },
    );
  }
}
