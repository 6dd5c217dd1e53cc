import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.ts';
import { deliver, type WebhookSigner } from './delivery.ts';
import type { ClaimedEvent, OutboxRepository } from './outbox-repository.ts';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface DispatcherOptions {
  repository: OutboxRepository;
  signer: WebhookSigner;
  clock: Clock;
  log: FastifyBaseLogger;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** One attempt's limit. @default 10 s */
  timeoutMs?: number;
  /** How often the outbox is looked at when nothing nudges. @default 1 s */
  pollMs?: number;
  /** How long a claimed event is left to its instance before another may retry it. @default timeout + 5 s */
  leaseMs?: number;
  /** Retries go on at least this long after the event was written, then it is marked failed. @default 24 h */
  retryForMs?: number;
  /** Delivered and failed events are deleted this long after they finished. @default 7 days */
  retentionMs?: number;
  /** Events in flight at once (each a different session or endpoint). @default 50 */
  concurrency?: number;
}

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const FIRST_RETRY_MS = 5 * SECOND;
const MAX_RETRY_DELAY_MS = HOUR;
const PRUNE_EVERY_MS = HOUR;

/** 5 s, 10 s, 20 s, … doubling up to an hour between attempts, with up to 10 % jitter. */
export function retryDelayMs(attempts: number): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(base * (1 + Math.random() * 0.1));
}

/**
 * Delivers the outbox: keeps up to `concurrency` deliveries in flight, claiming due events (a
 * lease) whenever a slot is free, so one slow or silent endpoint occupies only the slots of its
 * own attempts and never delays the others. It claims again at once when an attempt finishes or
 * when this instance has just written an event (a nudge); otherwise every `pollMs` (events other
 * instances wrote, retries falling due). A database outage only pauses it: what was claimed is
 * retried when its lease runs out.
 */
export class WebhookDispatcher {
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private lastPruneMs = 0;

  constructor(private readonly options: DispatcherOptions) {
    this.timeoutMs = options.timeoutMs ?? 10 * SECOND;
    this.pollMs = options.pollMs ?? SECOND;
    this.leaseMs = options.leaseMs ?? this.timeoutMs + 5 * SECOND;
    this.concurrency = options.concurrency ?? 50;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Something was written to the outbox, or a slot freed up: look now, not at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops claiming; resolves when the deliveries under way have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const free = this.concurrency - this.inFlight.size;
      let claimed = 0;
      try {
        if (free > 0) claimed = await this.claim(free);
        await this.pruneNowAndThen();
      } catch (error) {
        this.options.log.warn({ err: error }, 'webhook delivery paused: the outbox could not be read');
      }
      // A full claim may have left more due work; anything less waits for a reason to look again.
      if (claimed < free || free === 0) await this.idle();
    }
    await Promise.all(this.inFlight);
  }

  private idle(): Promise<void> {
    if (this.nudged || this.stopped) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.nudged = false;
        resolve();
      };
    });
  }

  /** Claims up to `limit` due events and starts delivering them; returns how many. */
  private async claim(limit: number): Promise<number> {
    const now = this.options.clock.now();
    const events = await this.options.repository.claim(new Date(now), new Date(now + this.leaseMs), limit);
    for (const event of events) {
      const attempt = this.attempt(event).finally(() => {
        this.inFlight.delete(attempt);
        // The session's next event may be due now, and a slot is free.
        this.nudge();
      });
      this.inFlight.add(attempt);
    }
    return events.length;
  }

  private async attempt(event: ClaimedEvent): Promise<void> {
    const { repository, clock, signer, log } = this.options;
    // Receivers check `webhook-timestamp` against their own clock: it is the wall-clock time.
    const result = await deliver(event, signer, { timeoutMs: this.timeoutMs, now: new Date() });
    const now = clock.now();
    try {
      if (result.ok) {
        await repository.delivered(event.id, new Date(now));
        this.options.onOutcome?.('delivered');
        return;
      }
      const giveUp = now - event.createdAt.getTime() >= (this.options.retryForMs ?? 24 * HOUR);
      const next = giveUp ? null : new Date(now + retryDelayMs(event.attempts));
      await repository.notDelivered(event.id, result.error, next, new Date(now));
      this.options.onOutcome?.(giveUp ? 'failed' : 'retry');
      log[giveUp ? 'error' : 'warn'](
        {
          webhookId: event.messageId,
          endpoint: event.endpoint,
          attempts: event.attempts,
          error: result.error,
        },
        giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry',
      );
    } catch (error) {
      // The lease runs out and the event is tried again: at least once, never lost.
      log.warn({ err: error, webhookId: event.messageId }, 'could not record a webhook delivery outcome');
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.options.clock.now();
    if (now - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = now;
    const before = new Date(now - (this.options.retentionMs ?? 7 * 24 * HOUR));
    while ((await this.options.repository.prune(before, 5000)) === 5000 && !this.stopped) {}
  }
}
