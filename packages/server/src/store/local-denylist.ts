import type { StoreClock } from './store.ts';

/**
 * This process's copy of the denylist: session id → epoch ms until which its tokens are refused.
 * Entries are never evicted early (that would let a revoked token pass); they leave only when
 * they expire, so the size is bounded by the sessions revoked within one access-token lifetime.
 */
export class LocalDenylist {
  private readonly bySid = new Map<string, number>();

  constructor(private readonly clock: StoreClock) {}

  /** Keeps the later of the existing and the new expiry: a denial never shrinks. */
  add(sid: string, untilMs: number): void {
    if (untilMs <= this.clock.now()) return;
    const current = this.bySid.get(sid);
    if (current === undefined || current < untilMs) this.bySid.set(sid, untilMs);
  }

  has(sid: string): boolean {
    const until = this.bySid.get(sid);
    return until !== undefined && until > this.clock.now();
  }

  /** Drops expired entries. */
  sweep(): void {
    const now = this.clock.now();
    for (const [sid, until] of this.bySid) {
      if (until <= now) this.bySid.delete(sid);
    }
  }

  /** Live entries as `[sid, untilMs]`. */
  *entries(): IterableIterator<[string, number]> {
    const now = this.clock.now();
    for (const entry of this.bySid) if (entry[1] > now) yield entry;
  }

  get size(): number {
    return this.bySid.size;
  }
}
