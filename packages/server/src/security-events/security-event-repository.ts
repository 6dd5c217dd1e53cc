import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, SecurityEventRow } from '../db/schema.ts';

export type SecurityEventType =
  | 'login_success'
  | 'login_failure'
  | 'logout'
  | 'refresh_failure'
  | 'refresh_token_reused'
  | 'session_revoked'
  | 'sessions_revoked_all'
  | 'session_limit'
  | 'new_device'
  | 'new_location'
  | 'password_changed'
  | 'rate_limited'
  | 'csrf_rejected'
  | 'account_locked'
  | 'account_disabled'
  | 'account_enabled';

export interface NewSecurityEvent {
  type: SecurityEventType;
  userId: string | null;
  sessionId?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown>;
  at: Date;
}

const USER_AGENT_CAP = 512;

/** All SQL about the audit log. */
export class SecurityEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(event: NewSecurityEvent): Promise<void> {
    await this.db
      .insertInto('security_events')
      .values({
        event_id: randomUUID(),
        user_id: event.userId,
        session_id: event.sessionId ?? null,
        type: event.type,
        ip_address: event.ipAddress ?? null,
        user_agent: event.userAgent?.slice(0, USER_AGENT_CAP) ?? null,
        detail: JSON.stringify(event.detail ?? {}),
        created_at: event.at,
      })
      .execute();
  }

  findRecentByUser(userId: string, limit: number): Promise<SecurityEventRow[]> {
    return this.db
      .selectFrom('security_events')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Whether the user has an event of `type` whose detail matches `key` since `since`. */
  async hasSince(
    userId: string,
    since: Date,
    where: { types: SecurityEventType[]; key: string; value: string },
  ) {
    const row = await this.db
      .selectFrom('security_events')
      .select('event_id')
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .where('type', 'in', where.types)
      .where(sql<string>`detail ->> ${where.key}`, '=', where.value)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Whether the user signed in since `since` with this device key, or from this country. */
  hasSignedIn(userId: string, since: Date, match: { deviceKey: string } | { country: string }) {
    const where =
      'deviceKey' in match
        ? { key: 'deviceKey', value: match.deviceKey }
        : { key: 'country', value: match.country };
    return this.hasSince(userId, since, { types: ['login_success'], ...where });
  }
}
