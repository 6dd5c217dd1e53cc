import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** An event claimed for delivery to one endpoint. */
export interface ClaimedEvent {
  id: string;
  messageId: string;
  endpoint: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** Including the one now under way. */
  attempts: number;
}

export interface QueueStats {
  /** Events waiting for an active endpoint. */
  pending: number;
  /** When the oldest of them was written; undefined when none is pending. */
  oldestCreatedAt: Date | undefined;
}

/** All SQL of webhook delivery: endpoints, claims, outcomes, the queue's size, pruning. */
export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Makes `urls` the active endpoints: events are written for these only. Others stay, inactive,
   * with what is pending for them, so putting one back resumes its deliveries.
   */
  async syncEndpoints(urls: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('webhook_endpoints')
        .set({ active: false })
        .where('active', '=', true)
        .where((eb) => (urls.length > 0 ? eb('url', 'not in', urls) : eb.lit(true)))
        .execute();
      if (urls.length === 0) return;
      await trx
        .insertInto('webhook_endpoints')
        .values(urls.map((url) => ({ url, active: true })))
        .onConflict((oc) => oc.column('url').doUpdateSet({ active: true }))
        .execute();
    });
  }

  /**
   * Claims up to `limit` due events for the active endpoints, each the oldest pending event of its
   * session on its endpoint (so a failing event holds back only its own session there). A claim
   * is a lease: the event is not due again until `leaseUntil`, so an instance that dies
   * mid-delivery leaves it to be retried, with the same id. `SKIP LOCKED`: instances claiming at
   * the same moment take different events.
   */
  async claim(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedEvent[]> {
    const result = await sql<{
      id: string | number;
      message_id: string;
      endpoint: string;
      type: string;
      data: Record<string, unknown>;
      created_at: Date;
      attempts: number;
    }>`
      UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ${leaseUntil}
      WHERE id IN (
        SELECT o.id FROM webhook_outbox AS o
        JOIN webhook_endpoints AS e ON e.url = o.endpoint AND e.active
        WHERE o.state = 'pending' AND o.next_attempt_at <= ${now}
          AND NOT EXISTS (
            SELECT 1 FROM webhook_outbox AS earlier
            WHERE earlier.state = 'pending' AND earlier.endpoint = o.endpoint
              AND earlier.ordering_key = o.ordering_key AND earlier.id < o.id)
        ORDER BY o.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF o SKIP LOCKED)
      RETURNING id, message_id, endpoint, type, data, created_at, attempts`.execute(this.db);
    return result.rows.map((row) => ({
      id: String(row.id),
      messageId: row.message_id,
      endpoint: row.endpoint,
      type: row.type,
      data: row.data,
      createdAt: row.created_at,
      attempts: row.attempts,
    }));
  }

  async delivered(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('webhook_outbox')
      .set({ state: 'delivered', finished_at: now, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  /** Not delivered this time: due again at `nextAttemptAt`, or given up on when that is null. */
  async notDelivered(id: string, error: string, nextAttemptAt: Date | null, now: Date): Promise<void> {
    await this.db
      .updateTable('webhook_outbox')
      .set(
        nextAttemptAt
          ? { next_attempt_at: nextAttemptAt, last_error: error }
          : { state: 'failed', finished_at: now, last_error: error },
      )
      .where('id', '=', id)
      .execute();
  }

  async stats(): Promise<QueueStats> {
    const row = await this.db
      .selectFrom('webhook_outbox as o')
      .innerJoin('webhook_endpoints as e', (join) =>
        join.onRef('e.url', '=', 'o.endpoint').on('e.active', '=', true),
      )
      .select((eb) => [
        eb.fn.countAll<string | number>().as('pending'),
        eb.fn.min('o.created_at').as('oldest'),
      ])
      .where('o.state', '=', 'pending')
      .executeTakeFirst();
    return {
      pending: Number(row?.pending ?? 0),
      oldestCreatedAt: row?.oldest ? new Date(row.oldest) : undefined,
    };
  }

  /** Deletes delivered and failed events finished before `before`; returns how many. */
  async prune(before: Date, limit: number): Promise<number> {
    const result = await sql`
      DELETE FROM webhook_outbox WHERE id IN (
        SELECT id FROM webhook_outbox WHERE state <> 'pending' AND finished_at < ${before}
        ORDER BY finished_at LIMIT ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }
}
