import { sql } from 'kysely';
import type { SigningKey, TokenMemory } from '../protocol.ts';
import { type ServerHandles, serverAccessTokens } from './handles.ts';
import type { AccessTokens } from './server-paths.ts';

const MB = 1024 * 1024;

function collect(): NodeJS.MemoryUsage {
  // The child runs with --expose-gc so before/after compare live memory, not garbage.
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage();
}

/**
 * How much memory the verified-token cache costs: a verifier configured exactly like the
 * server's (`AccessTokens` with its default cache size) verifies `total` distinct tokens, and
 * RSS is read before, after each tenth, and after.
 */
export class TokenMemoryProbe {
  private tokens: AccessTokens | undefined;
  private before: NodeJS.MemoryUsage | undefined;
  private started = 0;
  private seen = 0;
  private total = 0;
  private steps: number[] = [];

  constructor(private readonly server: ServerHandles) {}

  /** The key the server signs with, as a private JWK from `signing_keys`. */
  async signingKey(): Promise<SigningKey> {
    const { keyRing, config, db } = this.server;
    const { kid } = keyRing.signingKey();
    const row = await sql<{ private_jwk: Record<string, unknown> }>`
      SELECT private_jwk FROM signing_keys WHERE kid = ${kid}`.execute(db);
    const privateJwk = row.rows[0]?.private_jwk;
    if (!privateJwk) throw new Error('the signing key is not stored in the database (JWT_PRIVATE_KEY set?)');
    return {
      kid,
      privateJwk,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlMs: config.accessTokenTtlMs,
    };
  }

  start(total: number): void {
    this.before = collect();
    this.tokens = serverAccessTokens(this.server);
    this.started = performance.now();
    this.seen = 0;
    this.total = total;
    this.steps = [];
  }

  async batch(tokens: string[]): Promise<{ invalid: number }> {
    const verifier = this.tokens;
    if (!verifier) throw new Error('tokenMemoryStart first');
    const results = await Promise.allSettled(tokens.map((token) => verifier.verify(token)));
    const tenth = Math.max(1, Math.floor(this.total / 10));
    const crossed = Math.floor((this.seen + tokens.length) / tenth) > Math.floor(this.seen / tenth);
    this.seen += tokens.length;
    if (crossed) this.steps.push(Math.round(process.memoryUsage().rss / MB));
    return { invalid: results.filter((result) => result.status === 'rejected').length };
  }

  end(): TokenMemory {
    const before = this.before;
    const verifier = this.tokens;
    if (!before || !verifier) throw new Error('tokenMemoryStart first');
    const seconds = (performance.now() - this.started) / 1000;
    const after = collect();
    const result: TokenMemory = {
      tokens: this.seen,
      rssBeforeMb: Math.round(before.rss / MB),
      rssAfterMb: Math.round(after.rss / MB),
      heapBeforeMb: Math.round(before.heapUsed / MB),
      heapAfterMb: Math.round(after.heapUsed / MB),
      rssStepsMb: this.steps,
      cacheEntries: verifier.cacheStats().size,
      cacheMax: verifier.cacheStats().max,
      seconds,
    };
    this.tokens = undefined;
    return result;
  }
}
