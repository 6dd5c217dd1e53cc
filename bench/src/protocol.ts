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

/** How fast argon2 verifies by itself: the floor under the login case. */
export interface Argon2Rate {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** The commands of the bare Fastify process (`server/bare-child.ts`). */
export interface BareCommands {
  /** `concurrency` verifies of `password` (against its hash with Tenure's parameters) in flight for `seconds`. */
  argon2Rate: {
    args: { password: string; seconds: number; concurrency: number };
    result: Argon2Rate;
  };
  close: { args: Record<string, never>; result: null };
}

/** Any command table (an interface like `Commands`): command name → its arguments and result. */
export type CommandTable<C> = { [K in keyof C]: { args: unknown; result: unknown } };

export interface Request<
  C extends CommandTable<C> = Commands,
  K extends keyof C & string = keyof C & string,
> {
  id: number;
  command: K;
  args: C[K]['args'];
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Ready {
  ready: true;
  url: string;
  betterAuth: boolean;
}

/** How the parent configures the bare process: no Tenure, only the anchors' own connections. */
export interface BareEnv {
  /** `postgres://…` of Tenure's bench database for the pg anchors, or `none` (PGlite runs). */
  BENCH_PG_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
  /** JSON of the `SigningKey` the naive refresh anchor signs with (Tenure's own key). */
  BENCH_SIGNING_KEY: string;
}

/** How the parent configures a child (environment variables in, ready message out). */
export interface ChildEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
  /** `postgres://…` database for better-auth, `pglite` for an embedded one, `none` to skip it. */
  BENCH_BETTER_AUTH_DATABASE: string;
}
