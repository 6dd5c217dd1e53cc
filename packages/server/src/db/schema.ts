import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface UsersTable {
  user_id: string;
  email: string;
  password_hash: string;
  name: string | null;
  created_at: Generated<Timestamp>;
}

export interface UserSessionsTable {
  session_id: string;
  user_id: string;
  /** SHA-256 (hex) of the current refresh token; the token itself is never stored. */
  refresh_token_hash: string;
  /** SHA-256 of the token this one replaced: replayed inside the grace window it is a race, not theft. */
  previous_token_hash: string | null;
  rotated_at: Timestamp | null;
  generation: Generated<number>;
  device_type: string;
  device_name: string | null;
  browser: string | null;
  os: string | null;
  user_agent: string | null;
  ip_address: string | null;
  location: string | null;
  created_at: Timestamp;
  last_active: Timestamp;
  expires_at: Timestamp;
  is_revoked: Generated<boolean>;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  /** When the person last proved who they are (sign-in, re-authentication); refresh keeps it. */
  auth_time: Timestamp | null;
}

/** Hashes of refresh tokens older than `previous_token_hash`: any use of one is theft. */
export interface RetiredRefreshTokensTable {
  token_hash: string;
  session_id: string;
  retired_at: Timestamp;
}

export interface SecurityEventsTable {
  event_id: string;
  user_id: string | null;
  session_id: string | null;
  type: string;
  ip_address: string | null;
  user_agent: string | null;
  detail: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  private_jwk: ColumnType<Record<string, unknown>, string, string>;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Timestamp>;
  /** When this key stopped signing; it verifies until every token it signed has expired. */
  retired_at: Timestamp | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: Generated<Timestamp>;
}

/** Users an operator disabled (any user id, not only password accounts). */
export interface DisabledUsersTable {
  user_id: string;
  disabled_at: Timestamp;
  /** The operator's X-Admin-Actor, when given. */
  actor: string | null;
}

/** The configured webhook endpoints (WEBHOOK_URL); events are written for the active ones. */
export interface WebhookEndpointsTable {
  url: string;
  active: boolean;
}

/** One session event for one endpoint, from the statement that made the change until delivered. */
export interface WebhookOutboxTable {
  id: Generated<string>;
  /** `webhook-id`: the same for every endpoint and every retry of one event. */
  message_id: string;
  endpoint: string;
  /** Events with the same key (a session) reach an endpoint in order. */
  ordering_key: string;
  type: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  state: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  finished_at: Timestamp | null;
  last_error: string | null;
}

export interface Database {
  users: UsersTable;
  user_sessions: UserSessionsTable;
  retired_refresh_tokens: RetiredRefreshTokensTable;
  security_events: SecurityEventsTable;
  signing_keys: SigningKeysTable;
  server_secrets: ServerSecretsTable;
  disabled_users: DisabledUsersTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_outbox: WebhookOutboxTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<UserSessionsTable>;
export type NewSession = Insertable<UserSessionsTable>;
export type SecurityEventRow = Selectable<SecurityEventsTable>;
