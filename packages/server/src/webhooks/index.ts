import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { OutcomeListener } from '../sessions/outcomes.ts';
import { WebhookSigner } from './delivery.ts';
import { type DeliveryOutcome, type DispatcherOptions, WebhookDispatcher } from './dispatcher.ts';
import { OutboxRepository, type QueueStats } from './outbox-repository.ts';

/** What webhook delivery reports (the metrics adapter implements it). */
export interface WebhookObserver {
  delivery(outcome: DeliveryOutcome): void;
  setQueueProvider(provider: () => Promise<QueueStats>): void;
}

export interface WebhooksOptions {
  config: Pick<Config, 'webhooks'>;
  db: Kysely<Database>;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Deliver from this process (the `jobs` option); the endpoints are registered either way. */
  deliver: boolean;
  observer?: WebhookObserver;
  /** Timing overrides (tests). */
  tuning?: Pick<DispatcherOptions, 'timeoutMs' | 'pollMs' | 'leaseMs' | 'retryForMs'>;
}

/**
 * Registers the configured endpoints (statements write events for these; none configured, none
 * written) and, where this process delivers, starts the dispatcher. The returned listener wakes
 * it when this instance has just written an event.
 */
export async function setUpWebhooks(options: WebhooksOptions): Promise<{
  listener: OutcomeListener;
  stop: () => Promise<void>;
}> {
  const repository = new OutboxRepository(options.db);
  const webhooks = options.config.webhooks;
  await repository.syncEndpoints(webhooks?.urls ?? []);
  if (!webhooks || !options.deliver) return { listener: () => {}, stop: async () => {} };

  options.observer?.setQueueProvider(() => repository.stats());
  const dispatcher = new WebhookDispatcher({
    ...options.tuning,
    repository,
    signer: new WebhookSigner(webhooks.secrets),
    clock: options.clock,
    log: options.log,
    ...(options.observer && { onOutcome: options.observer.delivery }),
  });
  dispatcher.start();
  return {
    listener: (outcome) => {
      if (announced.has(outcome.type)) dispatcher.nudge();
    },
    stop: () => dispatcher.stop(),
  };
}

// The outcomes whose statements wrote outbox rows.
const announced = new Set(['created', 'ended', 'reuse_detected', 'password_changed']);
