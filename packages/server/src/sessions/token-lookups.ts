import type { SessionRow } from '../db/schema.ts';

// A row this young was read by the same request (the per-session limit, then the rotation).
const MAX_AGE_MS = 1000;
const SWEEP_ABOVE = 10_000;

/**
 * The session of a refresh token, read once per refresh: the per-session rate limit looks it up
 * before the route runs, and the rotation takes that row instead of reading it again. A row read
 * a moment earlier is safe to rotate from: the compare-and-set on `generation` (and `NOT
 * is_revoked`) refuses it if the session changed in between, and that path reads it afresh.
 */
export class RefreshTokenLookups {
  private readonly recent = new Map<string, { row: SessionRow | undefined; atMs: number }>();

  constructor(
    private readonly findByTokenHash: (hash: string) => Promise<SessionRow | undefined>,
    /** Real time (ms), never a test's manual clock: "a moment ago" is about this request. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  async find(hash: string): Promise<SessionRow | undefined> {
    const row = await this.findByTokenHash(hash);
    if (this.recent.size >= SWEEP_ABOVE) this.sweep();
    this.recent.set(hash, { row, atMs: this.now() });
    return row;
  }

  /** The row `find` just read for this token (once), else a fresh read. */
  take(hash: string): Promise<SessionRow | undefined> {
    const hit = this.recent.get(hash);
    this.recent.delete(hash);
    if (hit && this.now() - hit.atMs <= MAX_AGE_MS) return Promise.resolve(hit.row);
    return this.findByTokenHash(hash);
  }

  private sweep(): void {
    const cutoff = this.now() - MAX_AGE_MS;
    for (const [hash, entry] of this.recent) if (entry.atMs < cutoff) this.recent.delete(hash);
  }
}
