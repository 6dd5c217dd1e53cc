import { type RawBuilder, sql } from 'kysely';

/** What webhooks announce (payload `type`). */
export type SessionEventType =
  | 'session.created'
  | 'session.ended'
  | 'session.refresh_reused'
  | 'session.new_device'
  | 'session.new_location'
  | 'user.password_changed';

export interface OutboxEvent {
  type: SessionEventType;
  /** Merged into the session's facts (a `jsonb` expression over the source's columns). */
  extra?: RawBuilder<unknown>;
}

/**
 * The INSERT that writes session events to the outbox: for every row of `source` (a CTE of
 * session rows with the columns of `factColumns`), one row per event and active webhook endpoint.
 * It is made a CTE of the statement that changes the sessions, so the change and its events
 * commit together or not at all; with no active endpoint it inserts nothing.
 *
 * The id (`webhook-id`) is derived from the event's type, session and instant, so it is the same
 * for every endpoint; within one session the events keep the order they are listed in.
 */
export function outboxInsert(
  source: string,
  events: readonly OutboxEvent[],
  at: Date,
): RawBuilder<Record<string, unknown>> {
  const facts = sql`tenure_session_event_data(src.user_id, src.session_id, src.device_type,
    src.device_name, src.browser, src.os, src.ip_address, src.location)`;
  const rows = sql.join(
    events.map(
      (event, index) =>
        sql`(${index}::int, ${event.type}::text, ${event.extra ? sql`${facts} || ${event.extra}` : facts})`,
    ),
  );
  // Parenthesised: it is always the body of a CTE.
  return sql`(
    INSERT INTO webhook_outbox (message_id, endpoint, ordering_key, type, data, created_at, next_attempt_at)
    SELECT 'msg_' || md5(ev.type || ':' || src.session_id::text || ':' || tenure_iso(${at})),
      e.url, src.session_id::text, ev.type, ev.data, ${at}, ${at}
    FROM ${sql.table(source)} AS src
    CROSS JOIN LATERAL (VALUES ${rows}) AS ev (ord, type, data)
    CROSS JOIN webhook_endpoints AS e
    WHERE e.active
    ORDER BY src.session_id, ev.ord)`;
}

/** `data` of `session.ended`: reason, when it ended and when its last access token expires. */
export function endedData(
  reason: string,
  at: Date,
  policy: { inactivityTimeoutMs: number; accessTokenTtlMs: number },
): RawBuilder<unknown> {
  return sql`tenure_session_ended_data(${reason}, ${at}, src.expires_at, src.last_active,
    make_interval(secs => ${policy.inactivityTimeoutMs / 1000}),
    make_interval(secs => ${policy.accessTokenTtlMs / 1000}))`;
}
