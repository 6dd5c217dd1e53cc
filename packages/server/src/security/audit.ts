import type { FastifyRequest } from 'fastify';
import type { Services } from '../http/services.ts';
import type { SecurityEventType } from '../security-events/security-event-repository.ts';
import { requestContext } from '../sessions/sign-in-context.ts';

export interface RequestEvent {
  type: Extract<SecurityEventType, 'rate_limited' | 'csrf_rejected' | 'account_locked'>;
  userId?: string | null;
  detail: Record<string, unknown>;
  /**
   * Record at most one such event per `dedupeKey` within `dedupeMs`: an attacker hammering a
   * limit must not turn each refused request into a database write.
   */
  dedupeKey?: string;
  dedupeMs?: number;
}

/** Writes a security event about a refused request, with its trusted IP and capped User-Agent. */
export async function recordRequestEvent(
  services: Pick<Services, 'events' | 'store' | 'clock'>,
  request: FastifyRequest,
  event: RequestEvent,
): Promise<void> {
  if (event.dedupeKey !== undefined) {
    const first = await services.store
      .claim(`audit:${event.type}:${event.dedupeKey}`, Math.max(1000, event.dedupeMs ?? 60_000))
      .catch(() => true);
    if (!first) return;
  }
  const context = requestContext(request);
  await services.events.record({
    type: event.type,
    userId: event.userId ?? null,
    ipAddress: context.ipAddress,
    userAgent: context.userAgent,
    detail: event.detail,
    at: new Date(services.clock.now()),
  });
}
