import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { SecurityEventType } from '../security-events/security-event-repository.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import { requestContext } from '../sessions/sign-in-context.ts';
import type { Store } from '../store/store.ts';

/** What writing an audit row about a refused request needs. */
export interface AuditDeps {
  events: SecurityEvents;
  /** Holds the dedupe claims, shared by every instance. */
  store: Store;
  clock: Clock;
}

export interface RequestEvent {
  type: Extract<SecurityEventType, 'rate_limited' | 'csrf_rejected' | 'account_locked'>;
  userId?: string | null;
  detail: Record<string, unknown>;
  /**
   * Record at most one such event per `dedupeKey` within `dedupeMs`: an attacker hammering a
   * limit must not turn each refused request into a database write. Keys about a client use
   * `clientKey(request.ip)`, the same grouping as the per-IP limits.
   */
  dedupeKey?: string;
  dedupeMs?: number;
}

/** Writes a security event about a refused request, with its trusted IP and capped User-Agent. */
export async function recordRequestEvent(
  { events, store, clock }: AuditDeps,
  request: FastifyRequest,
  event: RequestEvent,
): Promise<void> {
  if (event.dedupeKey !== undefined) {
    const first = await store
      .claim(`audit:${event.type}:${event.dedupeKey}`, Math.max(1000, event.dedupeMs ?? 60_000))
      .catch(() => true);
    if (!first) return;
  }
  const context = requestContext(request);
  await events.record({
    type: event.type,
    userId: event.userId ?? null,
    ipAddress: context.ipAddress,
    userAgent: context.userAgent,
    detail: { ...event.detail, requestId: request.id },
    at: new Date(clock.now()),
  });
}
