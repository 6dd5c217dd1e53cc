import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebhookObserver } from '../webhooks/index.ts';
import type { QueueStats } from '../webhooks/outbox-repository.ts';

const outcomes = ['delivered', 'retry', 'failed'] as const;
// A scrape never waits longer than this for the queue's size; the last reading stands in.
const READ_TIMEOUT_MS = 2000;

/**
 * Webhook delivery: attempts by outcome, and at scrape time the queue's depth and the age of its
 * oldest pending event (what the stalled-delivery alert watches). Zero until webhooks are on.
 */
export function createWebhookMetrics(registry: Registry, now: () => number): WebhookObserver {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'tenure_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (retry: failed, will be tried again; failed: given up).',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of outcomes) deliveries.inc({ outcome }, 0);

  let provider: (() => Promise<QueueStats>) | undefined;
  let last: QueueStats = { pending: 0, oldestCreatedAt: undefined };
  async function read(): Promise<QueueStats> {
    if (!provider) return last;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<QueueStats>((resolve) => {
      timer = setTimeout(() => resolve(last), READ_TIMEOUT_MS);
    });
    try {
      last = await Promise.race([provider(), timeout]);
    } catch {
      // The database is away: report what was last known.
    } finally {
      clearTimeout(timer);
    }
    return last;
  }

  let reading: Promise<QueueStats> | undefined;
  const settle = () => {
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  new Gauge({
    name: 'tenure_webhook_queue_depth',
    help: 'Webhook events waiting to be delivered (all endpoints).',
    registers,
    async collect() {
      this.set((await settle()).pending);
    },
  });
  new Gauge({
    name: 'tenure_webhook_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook event not yet delivered (0 when none is waiting).',
    registers,
    async collect() {
      const oldest = (await settle()).oldestCreatedAt;
      this.set(oldest ? Math.max(0, (now() - oldest.getTime()) / 1000) : 0);
    },
  });

  return {
    delivery: (outcome) => deliveries.inc({ outcome }),
    setQueueProvider: (next) => {
      provider = next;
    },
  };
}
