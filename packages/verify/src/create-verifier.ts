import { accessTokenChecker } from './access-token.ts';
import { VerifyError } from './errors.ts';
import { type FeedRevocationOptions, FeedRevocations } from './feed-revocations.ts';
import { type RedisRevocationOptions, RedisRevocations } from './redis-revocations.ts';
import type { RevocationState } from './revocation-state.ts';

export type { FeedRevocationOptions, RedisRevocationOptions };

// How long a request waits for an out-of-date copy to catch up before it is refused.
const CATCH_UP_WAIT_MS = 2000;

export interface VerifierOptions {
  /** The server's JWT_ISSUER. */
  issuer: string;
  /** The server's JWT_AUDIENCE. */
  audience: string;
  /** e.g. `https://auth.example.com/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Where signed-out sessions are learnt: the servers' Redis, or the revocation feed. */
  revocations: RedisRevocationOptions | FeedRevocationOptions;
  /**
   * Refuse every token (`unavailable`) while what this verifier knows about revocations is older
   * than this: a signed-out session is then refused at most this late, never later.
   * @default 10000
   */
  maxStalenessMs?: number;
  /**
   * Hears the first error of each outage (Redis or the feed unreachable, ioredis missing, …).
   * @default console.warn
   */
  onError?: (error: unknown) => void;
}

/** Who a verified access token speaks for. */
export interface VerifiedSession {
  userId: string;
  sessionId: string;
  /** When this access token expires. */
  expiresAt: Date;
  /** When the user last proved who they are (signed in or re-authenticated), if the token says. */
  authTime?: Date;
}

export interface Verifier {
  /** Resolves the session the token speaks for, or throws `VerifyError`. */
  verify(token: string): Promise<VerifiedSession>;
  /** Stops polling or closes the Redis connections; later calls to `verify` are `unavailable`. */
  close(): Promise<void>;
}

/**
 * Verifies Tenure access tokens in another service: signature against the server's JWKS, issuer,
 * audience and expiry, and refuses sessions that were signed out. Fails closed: when its copy of
 * the revocations may be out of date by more than `maxStalenessMs`, every token is `unavailable`.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const maxStalenessMs = options.maxStalenessMs ?? 10_000;
  validate(options, maxStalenessMs);
  const report = options.onError ?? ((error: unknown) => console.warn('@tenure/verify:', error));
  const checkToken = accessTokenChecker(options);
  const revocations = options.revocations;
  const state: RevocationState =
    'redisUrl' in revocations
      ? new RedisRevocations(revocations, maxStalenessMs, report)
      : new FeedRevocations(revocations, report);
  let closed = false;
  const isFresh = (now: number) => {
    const freshAt = state.freshAt();
    return !closed && freshAt !== undefined && now - freshAt <= maxStalenessMs;
  };

  /** A copy that is out of date gets a chance to catch up (the first one, too) before we refuse. */
  async function ensureFresh(): Promise<void> {
    if (closed || isFresh(Date.now())) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = new Promise((resolve) => {
      timer = setTimeout(resolve, Math.min(maxStalenessMs, CATCH_UP_WAIT_MS));
    });
    await Promise.race([state.catchUp(), giveUp]);
    clearTimeout(timer);
  }

  return {
    async verify(token) {
      const claims = await checkToken(token, Date.now());
      await ensureFresh();
      const now = Date.now();
      // Denials only grow: a denial in a stale copy is still true.
      if (state.isRevoked(claims.sid, now)) throw new VerifyError('session_revoked');
      if (!isFresh(now)) throw new VerifyError('unavailable');
      return {
        userId: claims.sub,
        sessionId: claims.sid,
        expiresAt: new Date(claims.exp * 1000),
        ...(claims.authTime !== undefined && { authTime: new Date(claims.authTime * 1000) }),
      };
    },
    async close() {
      closed = true;
      await state.close();
    },
  };
}

function validate(options: VerifierOptions, maxStalenessMs: number): void {
  for (const name of ['issuer', 'audience', 'jwksUrl'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') {
      throw new TypeError(`@tenure/verify: "${name}" is required`);
    }
  }
  if (!(maxStalenessMs > 0)) throw new RangeError('@tenure/verify: "maxStalenessMs" must be positive');
  const revocations: Partial<RedisRevocationOptions & FeedRevocationOptions> = options.revocations ?? {};
  if ('redisUrl' in revocations === 'feedUrl' in revocations) {
    throw new TypeError('@tenure/verify: "revocations" needs either { redisUrl } or { feedUrl, token }');
  }
  if ('feedUrl' in revocations) {
    if (!revocations.token) throw new TypeError('@tenure/verify: the revocation feed needs its "token"');
    const interval = revocations.intervalMs ?? 2000;
    // Polling less often than the copy may age would make every token flap to `unavailable`.
    if (!(interval > 0 && interval < maxStalenessMs)) {
      throw new RangeError('@tenure/verify: "intervalMs" must be positive and below "maxStalenessMs"');
    }
  }
}
