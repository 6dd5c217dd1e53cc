import type { AuthSnapshot } from './auth-state.ts';
import type { SessionEndCode } from './types.ts';
import { isSessionEndCode } from './wire.ts';

/** Every tab of the origin talks on this channel and serialises refreshes on this lock. */
export const CHANNEL_NAME = 'tenure';
const LOCK_NAME = 'tenure-refresh';

/**
 * What tabs tell each other. `auth` carries a fresh sign-in or refresh so other tabs adopt the
 * token instead of refreshing again (the channel is same-origin only, like the token's memory).
 */
export type TabMessage =
  | { type: 'auth'; snapshot: AuthSnapshot }
  | { type: 'expired'; code: SessionEndCode }
  | { type: 'signedOut' }
  | { type: 'refreshing'; until: number }
  | { type: 'activity'; at: number };

/** The subset of `navigator.locks` we use (Web Locks API). */
export interface TabLocks {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/** The subset of `BroadcastChannel` we use. */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface TabSync {
  publish(message: TabMessage): void;
  /** A counter of "auth settled elsewhere" news (auth, expired, signedOut) received so far. */
  mark(): number;
  /**
   * Run `work` as the only tab refreshing. `waited` is true when another tab held the turn
   * first — it has probably just refreshed, so `work` should look for its news before calling.
   */
  exclusive<T>(work: (waited: boolean) => Promise<T>): Promise<T>;
  /** Resolves true once news newer than `mark` arrives, false after `ms`. */
  waitForNews(mark: number, ms: number): Promise<boolean>;
  close(): void;
}

export interface TabSyncOptions {
  channel: TabChannel | undefined;
  locks: TabLocks | undefined;
  onMessage: (message: TabMessage) => void;
  now: () => number;
  /** How long a peer's announced refresh may take before we stop waiting for it. */
  refreshTimeoutMs: number;
}

const NOT_ACQUIRED = Symbol('not acquired');

/** This page's BroadcastChannel and Web Locks, each when the browser has it. */
export function pageLinks(): { channel: TabChannel | undefined; locks: TabLocks | undefined } {
  let channel: TabChannel | undefined;
  try {
    channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(CHANNEL_NAME);
  } catch {
    channel = undefined;
  }
  return { channel, locks: globalThis.navigator?.locks ?? undefined };
}

export function createTabSync(options: TabSyncOptions): TabSync {
  const { channel, locks, now } = options;
  let news = 0;
  let peerRefreshingUntil = 0;
  let closed = false;
  const waiters = new Set<{ mark: number; done: (arrived: boolean) => void }>();

  channel?.addEventListener('message', (event) => {
    if (closed || !isTabMessage(event.data)) return;
    const message = event.data;
    if (message.type === 'refreshing') peerRefreshingUntil = message.until;
    if (message.type === 'auth' || message.type === 'expired' || message.type === 'signedOut') {
      peerRefreshingUntil = 0;
      news += 1;
      options.onMessage(message);
      for (const waiter of [...waiters]) if (waiter.mark < news) waiter.done(true);
      return;
    }
    options.onMessage(message);
  });

  function waitForNews(mark: number, ms: number): Promise<boolean> {
    if (news > mark) return Promise.resolve(true);
    if (closed || ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        mark,
        done(arrived: boolean) {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(arrived);
        },
      };
      const timer = setTimeout(() => waiter.done(false), ms);
      waiters.add(waiter);
    });
  }

  async function exclusive<T>(work: (waited: boolean) => Promise<T>): Promise<T> {
    if (locks) {
      // Ask without queueing first, so we know whether another tab was ahead of us.
      const first = await locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) =>
        lock ? work(false) : NOT_ACQUIRED,
      );
      if (first !== NOT_ACQUIRED) return first as T;
      return locks.request(LOCK_NAME, {}, () => work(true));
    }
    // Fallback without Web Locks (older Safari, Node): a peer that announced a refresh gets a
    // head start. Two tabs that still collide both reach the server, which answers a replay of
    // the same refresh token within REFRESH_REUSE_GRACE_SECONDS with the same successor.
    const wait = peerRefreshingUntil - now();
    if (channel && wait > 0) {
      await waitForNews(news, wait);
      return work(true);
    }
    if (channel) post({ type: 'refreshing', until: now() + options.refreshTimeoutMs });
    return work(false);
  }

  function post(message: TabMessage): void {
    if (closed || !channel) return;
    try {
      channel.postMessage(message);
    } catch {
      // A closed or unserialisable channel must never break the tab that is talking.
    }
  }

  return {
    publish: post,
    mark: () => news,
    exclusive,
    waitForNews,
    close() {
      closed = true;
      for (const waiter of [...waiters]) waiter.done(false);
      channel?.close();
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Messages come from our own origin, but a different version of the app may be open in another tab. */
function isTabMessage(data: unknown): data is TabMessage {
  if (!isRecord(data)) return false;
  switch (data.type) {
    case 'auth': {
      const snapshot = data.snapshot;
      return (
        isRecord(snapshot) &&
        isRecord(snapshot.token) &&
        typeof snapshot.token.value === 'string' &&
        typeof snapshot.token.expiresAtMs === 'number' &&
        typeof snapshot.accessTokenExpiresAt === 'string' &&
        isRecord(snapshot.user) &&
        isRecord(snapshot.session) &&
        isRecord(snapshot.policy)
      );
    }
    case 'expired':
      return isSessionEndCode(data.code);
    case 'signedOut':
      return true;
    case 'refreshing':
      return typeof data.until === 'number';
    case 'activity':
      return typeof data.at === 'number';
    default:
      return false;
  }
}
