import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { BenchSession } from '../protocol.ts';
import { type ServerHandles, serverAccessTokens } from './handles.ts';
import { type AccessTokens, generateRefreshToken, hashPassword, hashRefreshToken } from './server-paths.ts';

const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const SESSIONS_PER_LIST_USER = 10;
const SIGN_BATCH = 500;
// The pool's query timeout is 15 s: seed in statements that stay well below it.
const SEED_BATCH_ROWS = 20_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Test data straight into the server's database by SQL (never through HTTP), and tokens for it. */
export class Fixtures {
  private readonly tokens: AccessTokens;

  constructor(private readonly server: ServerHandles) {
    this.tokens = serverAccessTokens(server);
  }

  private get db() {
    return this.server.db;
  }

  /** Fresh users with one active session each, as a login would leave them. */
  async createSessions(count: number): Promise<BenchSession[]> {
    const now = new Date(this.server.clock.now());
    const rows = Array.from({ length: count }, () => ({
      sessionId: randomUUID(),
      userId: randomUUID(),
      refreshToken: generateRefreshToken(),
    }));
    const userIds = rows.map((row) => row.userId);
    await sql`
      INSERT INTO users (user_id, email, password_hash, name)
      SELECT u, 'bench-' || u || '@bench.example', 'not-a-hash', 'Bench user'
      FROM unnest(${userIds}::uuid[]) AS u`.execute(this.db);
    await sql`
      INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, device_name, browser, os,
        user_agent, ip_address, location, created_at, last_active, expires_at)
      SELECT s, u, h, 'desktop', 'Mac', 'Chrome 126', 'macOS 10.15', ${USER_AGENT}, '127.0.0.1', 'Local network',
        ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz + interval '30 days'
      FROM unnest(${rows.map((row) => row.sessionId)}::uuid[], ${userIds}::uuid[],
        ${rows.map((row) => hashRefreshToken(row.refreshToken))}::text[]) AS t(s, u, h)`.execute(this.db);
    const accessTokens = await this.sign(rows);
    return rows.map((row, index) => ({ ...row, accessToken: accessTokens[index] ?? '' }));
  }

  /**
   * `users` users with 10 sessions each: 5 active, 5 signed out. A user's sessions are
   * spread over the table (inserted round by round), as sessions created over weeks would be.
   */
  async seedSessionsList(users: number): Promise<number> {
    const now = new Date(this.server.clock.now());
    for (let first = 1; first <= users; first += SEED_BATCH_ROWS) {
      const last = Math.min(users, first + SEED_BATCH_ROWS - 1);
      await sql`
        INSERT INTO users (user_id, email, password_hash, name)
        SELECT md5('bench-list-u' || i)::uuid, 'list-' || i || '@bench.example', 'not-a-hash', 'List user ' || i
        FROM generate_series(${first}::int, ${last}::int) AS i`.execute(this.db);
    }
    for (let round = 1; round <= SESSIONS_PER_LIST_USER; round++) {
      for (let first = 1; first <= users; first += SEED_BATCH_ROWS) {
        const last = Math.min(users, first + SEED_BATCH_ROWS - 1);
        const active = round <= 5;
        await sql`
          INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, device_name, browser, os,
            user_agent, ip_address, location, created_at, last_active, expires_at, is_revoked, revoked_at, revoked_reason)
          SELECT md5('bench-list-s' || i || '-' || ${round}::int)::uuid, md5('bench-list-u' || i)::uuid,
            md5('bench-list-r' || i || '-' || ${round}::int), 'desktop', 'Mac', 'Chrome 126', 'macOS 10.15',
            ${USER_AGENT}, '203.0.113.' || (i % 250 + 1), 'Berlin, Germany',
            ${now}::timestamptz - interval '3 days' + ${round}::int * interval '1 hour',
            ${now}::timestamptz - ${active ? round : 172_800}::int * interval '1 second',
            ${now}::timestamptz + interval '27 days',
            ${!active}::boolean, CASE WHEN ${!active}::boolean THEN ${now}::timestamptz - interval '2 days' END,
            CASE WHEN ${!active}::boolean THEN 'signed_out' END
          FROM generate_series(${first}::int, ${last}::int) AS i`.execute(this.db);
      }
    }
    await sql`ANALYZE users`.execute(this.db);
    await sql`ANALYZE user_sessions`.execute(this.db);
    return users * SESSIONS_PER_LIST_USER;
  }

  /** Tokens for the first (active) session of `count` of the seeded users, spread over all of them. */
  async sessionsListTokens(count: number, users: number): Promise<string[]> {
    const picks = Array.from(
      { length: Math.min(count, users) },
      (_, k) => 1 + Math.floor((k * users) / count),
    );
    return this.sign(
      picks.map((i) => ({ sessionId: md5Uuid(`bench-list-s${i}-1`), userId: md5Uuid(`bench-list-u${i}`) })),
    );
  }

  /** Users that share one real argon2 hash of `password` (hashing it per user would take minutes). */
  async createLoginUsers(count: number, password: string): Promise<string[]> {
    const hash = await hashPassword(password);
    const tag = randomBytes(4).toString('hex');
    const emails = Array.from({ length: count }, (_, i) => `login-${tag}-${i}@bench.example`);
    await sql`
      INSERT INTO users (user_id, email, password_hash, name)
      SELECT gen_random_uuid(), e, ${hash}, 'Login user' FROM unnest(${emails}::text[]) AS e`.execute(
      this.db,
    );
    return emails;
  }

  /**
   * Sessions that expired longer than the retention period ago (REVOKED_RETENTION_DAYS, plus ten
   * days), nobody having seen them end, so the cleanup deletes every one; owned by the list users.
   */
  async seedExpired(count: number, users: number): Promise<void> {
    const now = this.server.clock.now();
    const expiredAt = new Date(now - this.server.config.revokedRetentionMs - 10 * DAY_MS);
    const createdAt = new Date(expiredAt.getTime() - 30 * DAY_MS);
    for (let first = 1; first <= count; first += SEED_BATCH_ROWS) {
      const last = Math.min(count, first + SEED_BATCH_ROWS - 1);
      await sql`
        INSERT INTO user_sessions (session_id, user_id, refresh_token_hash, device_type, device_name, browser, os,
          user_agent, ip_address, location, created_at, last_active, expires_at)
        SELECT gen_random_uuid(), md5('bench-list-u' || (n % ${users}::int + 1))::uuid, md5('bench-expired-' || n),
          'mobile', 'iPhone', 'Safari 17', 'iOS 17.4', ${USER_AGENT}, '198.51.100.7', 'Paris, France',
          ${createdAt}::timestamptz, ${expiredAt}::timestamptz, ${expiredAt}::timestamptz
        FROM generate_series(${first}::int, ${last}::int) AS n`.execute(this.db);
    }
    await sql`ANALYZE user_sessions`.execute(this.db);
  }

  /**
   * Access tokens for seeded sessions, as the server would sign them for those rows: the rows
   * record no `auth_time` (nobody signed in through the server), so neither do the tokens.
   */
  private async sign(sessions: Array<{ sessionId: string; userId: string }>): Promise<string[]> {
    const { clock, config } = this.server;
    const expiresAtMs = clock.now() + config.accessTokenTtlMs;
    const signed: string[] = [];
    for (let start = 0; start < sessions.length; start += SIGN_BATCH) {
      const batch = sessions.slice(start, start + SIGN_BATCH);
      signed.push(
        ...(await Promise.all(
          batch.map((s) =>
            this.tokens.sign({ userId: s.userId, sessionId: s.sessionId, expiresAtMs, authTime: null }),
          ),
        )),
      );
    }
    return signed;
  }
}

/** PostgreSQL's `md5(text)::uuid`, so tokens can name seeded rows without querying them. */
export function md5Uuid(text: string): string {
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
