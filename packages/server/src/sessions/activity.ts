import type { Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';
import type { SessionRepository } from './session-repository.ts';

/**
 * Coalesced `last_active`: requests only touch an in-memory map; a timer writes the latest
 * activity of each session in one batched UPDATE, at most once per `intervalMs` per session —
 * and, with a shared store, at most once per interval across all instances.
 */
export class ActivityTracker {
  /** Latest activity not yet written, by session id. */
  private readonly pending = new Map<string, number>();
  /** When each session's `last_active` was last written (by us or by a refresh). */
  private readonly written = new Map<string, number>();
  private stopTimer: (() => void) | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly repository: SessionRepository,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(sessionId: string): void {
    const now = this.clock.now();
    if ((this.pending.get(sessionId) ?? 0) < now) this.pending.set(sessionId, now);
  }

  /** A refresh wrote `last_active` itself: nothing to write until the interval has passed. */
  markWritten(sessionId: string): void {
    this.written.set(sessionId, this.clock.now());
    this.pending.delete(sessionId);
  }

  /** The newest activity this instance knows of, written or not. */
  lastActivity(sessionId: string): number | undefined {
    return this.pending.get(sessionId);
  }

  forget(sessionId: string): void {
    this.pending.delete(sessionId);
    this.written.delete(sessionId);
  }

  start(): void {
    const tick = Math.min(15_000, Math.max(250, this.intervalMs / 4));
    this.stopTimer = this.clock.every(tick, () => this.flush());
  }

  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = undefined;
    await this.flush({ force: true });
  }

  /** Writes every session whose interval has passed; `force` writes everything (shutdown). */
  flush(options: { force?: boolean } = {}): Promise<void> {
    if (!this.flushing) {
      const run = this.writeDue(options.force ?? false)
        .catch(this.onError)
        .finally(() => {
          if (this.flushing === run) this.flushing = undefined;
        });
      this.flushing = run;
    }
    return this.flushing;
  }

  private async writeDue(force: boolean): Promise<void> {
    const now = this.clock.now();
    const due: Array<{ sessionId: string; lastActive: Date }> = [];
    for (const [sessionId, at] of this.pending) {
      if (force || now - (this.written.get(sessionId) ?? Number.NEGATIVE_INFINITY) >= this.intervalMs) {
        due.push({ sessionId, lastActive: new Date(at) });
      }
    }
    for (const [sessionId, at] of this.written) {
      if (now - at >= this.intervalMs && !this.pending.has(sessionId)) this.written.delete(sessionId);
    }
    if (due.length === 0) return;
    const claimed = force ? due : await this.claimAcrossInstances(due);
    if (claimed.length === 0) return;
    await this.repository.touch(claimed);
    for (const entry of claimed) {
      this.written.set(entry.sessionId, now);
      if (this.pending.get(entry.sessionId) === entry.lastActive.getTime())
        this.pending.delete(entry.sessionId);
    }
  }

  private async claimAcrossInstances(
    due: Array<{ sessionId: string; lastActive: Date }>,
  ): Promise<Array<{ sessionId: string; lastActive: Date }>> {
    if (this.store.kind === 'memory') return due;
    const results = await Promise.all(
      due.map((entry) => this.store.claim(`activity:${entry.sessionId}`, this.intervalMs).catch(() => true)),
    );
    return due.filter((_, index) => results[index]);
  }
}
