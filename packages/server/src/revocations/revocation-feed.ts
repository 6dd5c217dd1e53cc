import type { Clock } from '../clock.ts';
import { DENY_MARGIN_MS } from '../sessions/endings.ts';
import { cursorAt, decodeCursor, encodeCursor } from './cursor.ts';
import type { RevocationFeedRepository } from './revocation-feed-repository.ts';

export interface FeedPage {
  revocations: Array<{ sessionId: string; until: string }>;
  cursor: string;
  hasMore: boolean;
}

export interface RevocationFeedDeps {
  repository: RevocationFeedRepository;
  clock: Clock;
  accessTokenTtlMs: number;
  /** How long one answer is shared by every reader asking the same question. @default 250 */
  cacheMs?: number;
}

export const DEFAULT_LIMIT = 500;

/**
 * Rows become visible in commit order, not revoked_at order: a revocation stamped at t may
 * commit after a reader has moved past t (a slow statement, clocks of instances apart). So a
 * reader that has caught up is handed a cursor this far behind the time of its read, and sees
 * the newest revocations again on its next poll; readers deduplicate by session id.
 */
const OVERLAP_MS = 10_000;
// Caught-up cursors are rounded down to the second, so pollers share them (and the cache).
const FLOOR_GRANULARITY_MS = 1000;
const MAX_CACHED_ANSWERS = 1000;

/**
 * The feed of signed-out sessions whose access tokens may still be live, for services that
 * verify tokens themselves. Each entry says until when to refuse the session: the expiry of its
 * last access token plus the margin the server's own denylist keeps.
 */
export class RevocationFeed {
  private readonly cache = new Map<string, { expiresAt: number; page: Promise<FeedPage> }>();

  constructor(private readonly deps: RevocationFeedDeps) {}

  /**
   * One page after `after` (or of everything in force). Many pollers asking the same question
   * within `cacheMs` share one query: an answer a few hundred ms old is exactly what they
   * would have got by polling that much earlier, cursor included.
   */
  page(after: string | undefined, limit: number): Promise<FeedPage> {
    const now = this.deps.clock.now();
    const key = `${limit}:${after ?? ''}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.page;
    if (this.cache.size >= MAX_CACHED_ANSWERS) this.evictExpired(now);
    const page = this.read(after, limit, now);
    if (this.cache.size < MAX_CACHED_ANSWERS) {
      this.cache.set(key, { expiresAt: now + (this.deps.cacheMs ?? 250), page });
    }
    // Failures are not shared beyond the requests already waiting on them.
    page.catch(() => {
      if (this.cache.get(key)?.page === page) this.cache.delete(key);
    });
    return page;
  }

  private async read(after: string | undefined, limit: number, now: number): Promise<FeedPage> {
    const start = after === undefined ? undefined : decodeCursor(after, now);
    const ttl = this.deps.accessTokenTtlMs;
    // The floor is taken before the query: anything that commits later was stamped after it.
    // A catch-up that spans several pages keeps the floor of its first page.
    const floorMs =
      start?.floorMs ?? Math.floor((now - OVERLAP_MS) / FLOOR_GRANULARITY_MS) * FLOOR_GRANULARITY_MS;
    const rows = await this.deps.repository.findInForce({
      after: start,
      revokedAfter: new Date(now - ttl - DENY_MARGIN_MS),
      expiresAfter: new Date(now - DENY_MARGIN_MS),
      limit: limit + 1,
    });
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    // Paging goes on exactly after the last row; once caught up, the reader goes back to the floor.
    const cursor =
      hasMore && last ? { position: last.position, sessionId: last.sessionId, floorMs } : cursorAt(floorMs);
    return {
      revocations: page.map((row) => ({
        sessionId: row.sessionId,
        until: new Date(
          Math.min(row.revokedAt.getTime() + ttl, row.expiresAt.getTime()) + DENY_MARGIN_MS,
        ).toISOString(),
      })),
      cursor: encodeCursor(cursor),
      hasMore,
    };
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }
}
