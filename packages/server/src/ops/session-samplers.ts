import { LRUCache } from 'lru-cache';
import type { Histogram } from 'prom-client';

/** Database reads behind two sampled metrics; wired by `buildApp` (see `session-stats.ts`). */
export interface SessionLookups {
  /** The user's active sessions right now. */
  activeSessionsOf(userId: string): Promise<number>;
  /** When the session was revoked (epoch ms); undefined when it is not revoked (or unknown). */
  revokedAtOf(sessionId: string): Promise<number | undefined>;
}

export interface SessionSamplers {
  setLookups(lookups: SessionLookups): void;
  userSignedIn(userId: string): void;
  revokedSessionRefused(sessionId: string): void;
  /** Resolves when the samples started so far are recorded (or after `waitMs`, whichever first). */
  settled(waitMs?: number): Promise<void>;
}

// Samples are dropped beyond this many in flight: a slow database must not pile up work here.
const MAX_PENDING = 256;
// Sessions whose first refusal was already observed; older entries fall out, like denylist entries.
const REMEMBERED_REFUSALS = 50_000;

/**
 * Observations that need one database read each (devices per user at sign-in, the time from a
 * revocation to its first refusal). They run off the request path: the request never waits for
 * them, and a failed read only loses that one sample. Ids are used for the read, never as labels.
 */
export function createSessionSamplers(
  histograms: { devicesPerUser: Histogram; revocationToRefusal: Histogram },
  now: () => number,
): SessionSamplers {
  let lookups: SessionLookups | undefined;
  const pending = new Set<Promise<void>>();
  const refused = new LRUCache<string, true>({ max: REMEMBERED_REFUSALS });

  function track(work: (from: SessionLookups) => Promise<void>): void {
    const current = lookups;
    if (!current || pending.size >= MAX_PENDING) return;
    const sample: Promise<void> = work(current)
      .catch(() => undefined)
      .finally(() => pending.delete(sample));
    pending.add(sample);
  }

  return {
    setLookups: (next) => {
      lookups = next;
    },
    userSignedIn: (userId) =>
      track(async (from) => histograms.devicesPerUser.observe(await from.activeSessionsOf(userId))),
    revokedSessionRefused: (sessionId) => {
      if (refused.has(sessionId)) return;
      refused.set(sessionId, true);
      // The refusal happens now, whenever the read of revoked_at comes back.
      const refusedAtMs = now();
      track(async (from) => {
        const revokedAtMs = await from.revokedAtOf(sessionId);
        if (revokedAtMs === undefined) return;
        histograms.revocationToRefusal.observe(Math.max(0, (refusedAtMs - revokedAtMs) / 1000));
      });
    },
    settled: async (waitMs = 1_000) => {
      if (pending.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      });
      await Promise.race([Promise.all(pending), timeout]).finally(() => clearTimeout(timer));
    },
  };
}
