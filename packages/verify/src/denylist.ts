/** Signed-out sessions and until when to refuse them (epoch ms), kept in memory. */
export class Denylist {
  private readonly untilBySession = new Map<string, number>();

  /** Denials only grow: a later, shorter entry for the same session never shortens one. */
  add(sessionId: string, untilMs: number): void {
    if (!Number.isFinite(untilMs)) return;
    const known = this.untilBySession.get(sessionId);
    if (known === undefined || untilMs > known) this.untilBySession.set(sessionId, untilMs);
  }

  has(sessionId: string, nowMs: number): boolean {
    const until = this.untilBySession.get(sessionId);
    return until !== undefined && until > nowMs;
  }

  /** Forgets entries whose tokens have all expired. */
  prune(nowMs: number): void {
    for (const [sessionId, until] of this.untilBySession) {
      if (until <= nowMs) this.untilBySession.delete(sessionId);
    }
  }

  get size(): number {
    return this.untilBySession.size;
  }
}
