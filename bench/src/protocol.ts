/**
 * The commands the benchmark sends to a server instance over IPC. The server owns the
 * database (embedded PGlite can only be opened by one process), so seeding, cleanup and
 * memory probes run inside it, next to the code they measure.
 */

export interface BenchSession {
  sessionId: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export interface ActivityWrites {
  /** `last_active` writes to the probed sessions while the probe was installed. */
  writes: number;
  sessionsWritten: number;
  /** Most writes one session received inside any 60-second window. */
  maxPerSessionPerMinute: number;
  windowSeconds: number;
}

export interface TokenMemory {
  tokens: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  /** RSS after each tenth of the tokens, to show where growth stops. */
  rssStepsMb: number[];
  cacheEntries: number;
  cacheMax: number;
  seconds: number;
}

export interface SigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
  issuer: string;
  audience: string;
  ttlMs: number;
}

export interface CleanupRun {
  /** Sessions deleted because they ended longer than the retention period ago. */
  deleted: number;
  /** Of those, sessions nobody had seen expire (their expiry is reported as they are deleted). */
  expiredUnobserved: number;
  /** Statements run, each deleting at most one batch. */
  batches: number;
  seconds: number;
}

export interface Commands {
  /** Users with one session each; tokens signed with the server's own key. */
  createSessions: { args: { count: number }; result: BenchSession[] };
  /** `users` users × 10 sessions (5 active, 5 signed out), by SQL. */
  seedSessionsList: { args: { users: number }; result: { rows: number; seconds: number } };
  /** Access tokens for the first (active) session of `count` seeded users. */
  sessionsListTokens: { args: { count: number; users: number }; result: string[] };
  /** Users sharing one argon2 hash of `password`, for the login case. */
  createLoginUsers: { args: { count: number; password: string }; result: string[] };
  /** Sessions that expired before the retention cutoff, nobody having seen them end, by SQL. */
  seedExpired: { args: { count: number; users: number }; result: { seconds: number } };
  runCleanup: { args: Record<string, never>; result: CleanupRun };
  startActivityProbe: { args: Record<string, never>; result: null };
  stopActivityProbe: { args: { sessionIds: string[] }; result: ActivityWrites };
  /** The signing key as a private JWK, so the load generator can mint tokens in parallel. */
  signingKey: { args: Record<string, never>; result: SigningKey };
  /** Starts the token-cache memory probe: a verifier configured as the server's own. */
  tokenMemoryStart: { args: { total: number }; result: null };
  /** Verifies one batch of distinct tokens; they are dropped afterwards. */
  tokenMemoryBatch: { args: { tokens: string[] }; result: { invalid: number } };
  tokenMemoryEnd: { args: Record<string, never>; result: TokenMemory };
  rss: { args: Record<string, never>; result: { rssMb: number } };
  /** A better-auth session cookie, or null when better-auth is not set up in this run. */
  betterAuthCookie: { args: Record<string, never>; result: string | null };
  close: { args: Record<string, never>; result: null };
}

export type CommandName = keyof Commands;

export interface Request<K extends CommandName = CommandName> {
  id: number;
  command: K;
  args: Commands[K]['args'];
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Ready {
  ready: true;
  url: string;
  betterAuth: boolean;
}

/** How the parent configures a child (environment variables in, ready message out). */
export interface ChildEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
  /** `postgres://…` database for better-auth, `pglite` for an embedded one, `none` to skip it. */
  BENCH_BETTER_AUTH_DATABASE: string;
}
