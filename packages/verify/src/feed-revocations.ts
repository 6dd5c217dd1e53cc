import { Denylist } from './denylist.ts';
import { outageReporter, type RevocationState, unref } from './revocation-state.ts';

export interface FeedRevocationOptions {
  /** e.g. `https://auth.example.com/api/auth/revocations`. */
  feedUrl: string;
  /** The server's REVOCATION_FEED_TOKEN. */
  token: string;
  /** Pause between two polls. @default 2000 */
  intervalMs?: number;
}

interface FeedAnswer {
  revocations: Array<{ sessionId: string; until: string }>;
  cursor: string;
  hasMore: boolean;
}

const REQUEST_TIMEOUT_MS = 5000;
const RETRY_GAP_MS = 1000;
// A catch-up longer than this many pages is cut short; the next poll carries on from its cursor.
const MAX_PAGES_PER_POLL = 100;

/**
 * Polls `GET /api/auth/revocations` with the cursor of the previous answer. The feed hands out
 * recent revocations more than once (so none is missed); the map deduplicates them. The copy is
 * as fresh as the start of the last poll that reached the end of the feed.
 */
export class FeedRevocations implements RevocationState {
  private readonly denylist = new Denylist();
  private readonly outage;
  private readonly intervalMs: number;
  private cursor: string | undefined;
  private lastFreshAt: number | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private polling: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private request: AbortController | undefined;
  private closed = false;

  /** Does no I/O yet (edge runtimes forbid it outside a request): the first `catchUp` starts polling. */
  constructor(
    private readonly options: FeedRevocationOptions,
    report: (error: unknown) => void,
  ) {
    this.intervalMs = options.intervalMs ?? 2000;
    this.outage = outageReporter(report);
  }

  isRevoked(sessionId: string, nowMs: number): boolean {
    return this.denylist.has(sessionId, nowMs);
  }

  freshAt(): number | undefined {
    return this.closed ? undefined : this.lastFreshAt;
  }

  /**
   * Polls now, or joins the poll under way: one request at a time. Where timers do not run
   * between requests (edge runtimes), this is what keeps the copy fresh. During an outage a new
   * attempt starts at most once a second, however many requests ask.
   */
  catchUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.polling) return this.polling;
    if (Date.now() - this.lastAttemptAt < Math.min(this.intervalMs, RETRY_GAP_MS)) return Promise.resolve();
    clearTimeout(this.timer);
    const polling = this.poll().finally(() => {
      if (this.polling === polling) this.polling = undefined;
    });
    this.polling = polling;
    return polling;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.request?.abort();
  }

  private async poll(): Promise<void> {
    const startedAt = Date.now();
    this.lastAttemptAt = startedAt;
    try {
      if (await this.readToEnd()) this.lastFreshAt = startedAt;
      this.outage.recovered();
    } catch (error) {
      if (!this.closed) this.outage.failed(error);
    }
    this.denylist.prune(Date.now());
    if (this.closed) return;
    this.timer = setTimeout(() => void this.catchUp(), this.intervalMs);
    unref(this.timer);
  }

  /** Reads pages until the feed has no more; false when cut short. */
  private async readToEnd(): Promise<boolean> {
    for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
      const answer = await this.fetchPage();
      for (const { sessionId, until } of answer.revocations) this.denylist.add(sessionId, Date.parse(until));
      // Safe to keep after every page: the server's cursors never skip what is still to come.
      this.cursor = answer.cursor;
      if (!answer.hasMore) return true;
    }
    return false;
  }

  private async fetchPage(): Promise<FeedAnswer> {
    let answer = await this.get(this.cursor);
    // A cursor the server no longer accepts (a new server version): start over from everything.
    if (answer.status === 400 && this.cursor !== undefined) {
      this.cursor = undefined;
      answer = await this.get(undefined);
    }
    if (answer.status !== 200) {
      throw new Error(`revocation feed answered ${answer.status} at ${this.options.feedUrl}`);
    }
    if (!isFeedAnswer(answer.body)) {
      throw new Error(`revocation feed at ${this.options.feedUrl} sent an unknown shape`);
    }
    return answer.body;
  }

  /** One request, body included, within the timeout: a stalled answer must not stall polling. */
  private async get(after: string | undefined): Promise<{ status: number; body?: unknown }> {
    const url = new URL(this.options.feedUrl);
    if (after !== undefined) url.searchParams.set('after', after);
    const request = new AbortController();
    this.request = request;
    const timer = setTimeout(() => request.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
        signal: request.signal,
        redirect: 'error',
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return { status: response.status };
      }
      return { status: 200, body: await response.json() };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The whole page or nothing: skipping one entry we cannot read would let that session through. */
function isFeedAnswer(value: unknown): value is FeedAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const { revocations, cursor, hasMore } = value as Record<string, unknown>;
  return (
    typeof cursor === 'string' &&
    typeof hasMore === 'boolean' &&
    Array.isArray(revocations) &&
    revocations.every((entry: unknown) => {
      const { sessionId, until } = (entry ?? {}) as Record<string, unknown>;
      return typeof sessionId === 'string' && typeof until === 'string' && Number.isFinite(Date.parse(until));
    })
  );
}
