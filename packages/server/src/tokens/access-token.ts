import { randomUUID } from 'node:crypto';
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import { TenureError } from '../errors.ts';
import type { KeyRing } from './signing-keys.ts';

export interface AccessClaims {
  sub: string;
  sid: string;
  exp: number;
  jti: string;
  /** When the person last proved who they are (epoch seconds); absent on tokens from before it existed. */
  auth_time?: number;
}

export interface AccessTokenOptions {
  keyRing: KeyRing;
  clock: Clock;
  issuer: string;
  audience: string;
  /**
   * ACCESS_TOKEN_TTL: the longest lifetime (`exp − iat`) a token of ours can have. A longer one
   * was not issued under this configuration (a leaked key, a forged or replayed old-config
   * token) and is refused.
   */
  maxLifetimeMs: number;
  /** Verified tokens kept in memory (LRU); each entry lives until its token's `exp`. */
  cacheSize?: number;
}

const TYP = 'at+jwt';
// Clock skew allowed for `iat` only. `exp` is strict: the TTL is clamped to the idle timeout, and
// a leeway past `exp` would let a token revive a session that has just gone idle.
const IAT_LEEWAY_SECONDS = 5;
// `iat` and `exp` are whole seconds, so a fractional TTL can round up to one more second.
const LIFETIME_ROUNDING_SECONDS = 1;

/**
 * Signs and verifies access tokens: EdDSA only, `typ` at+jwt, our issuer and audience, `exp`
 * and `sid` required, `kid` used only to pick among our own keys. Verified tokens are cached
 * until they expire, so the hot path pays for one signature check per token, not per request.
 */
export class AccessTokens {
  private readonly cache: LRUCache<string, AccessClaims>;

  constructor(private readonly options: AccessTokenOptions) {
    this.cache = new LRUCache({ max: options.cacheSize ?? 100_000 });
  }

  async sign(input: {
    userId: string;
    sessionId: string;
    expiresAtMs: number;
    authTime: Date | null;
  }): Promise<string> {
    const { kid, key } = this.options.keyRing.signingKey();
    const now = Math.floor(this.options.clock.now() / 1000);
    const authTime = input.authTime && { auth_time: Math.floor(input.authTime.getTime() / 1000) };
    return new SignJWT({ sid: input.sessionId, ...authTime })
      .setProtectedHeader({ alg: 'EdDSA', typ: TYP, kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(input.userId)
      .setIssuedAt(now)
      .setExpirationTime(Math.floor(input.expiresAtMs / 1000))
      .setJti(randomUUID())
      .sign(key);
  }

  /** The claims of a token verified before and not expired, synchronously; otherwise undefined. */
  cached(token: string): AccessClaims | undefined {
    const claims = this.cache.get(token);
    return claims && claims.exp > this.options.clock.now() / 1000 ? claims : undefined;
  }

  /** Throws `token_expired` or `invalid_token`. */
  async verify(token: string): Promise<AccessClaims> {
    const nowSeconds = this.options.clock.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp > nowSeconds) return cached;
      this.cache.delete(token);
      throw new TenureError('token_expired', 'The access token has expired.');
    }
    if (token.length > 4096) throw new TenureError('invalid_token', 'The access token is not valid.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        algorithms: ['EdDSA'],
        typ: TYP,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
        clockTolerance: 0,
        currentDate: new Date(this.options.clock.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new TenureError('token_expired', 'The access token has expired.');
      }
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    const { sub, sid, exp, jti, iat, auth_time } = payload;
    if (
      typeof sid !== 'string' ||
      typeof sub !== 'string' ||
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      typeof jti !== 'string' ||
      // Not compared with `iat`: another instance's clock may run a little ahead of this one.
      (auth_time !== undefined && (typeof auth_time !== 'number' || !Number.isFinite(auth_time)))
    ) {
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    // jose accepts an `iat` in the future; a token "issued" later than now was not issued by us.
    if (iat > nowSeconds + IAT_LEEWAY_SECONDS) {
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    // We never sign a token that lives longer than the TTL; one that claims to is not ours to honour.
    if (exp - iat > this.options.maxLifetimeMs / 1000 + LIFETIME_ROUNDING_SECONDS) {
      throw new TenureError('invalid_token', 'The access token is not valid.');
    }
    const claims: AccessClaims = { sub, sid, exp, jti, ...(auth_time !== undefined && { auth_time }) };
    this.cache.set(token, claims, { ttl: Math.max(1, (exp - nowSeconds) * 1000) });
    return claims;
  }

  /** Entries in the verified-token cache and its bound (for memory checks and metrics). */
  cacheStats(): { size: number; max: number } {
    return { size: this.cache.size, max: this.cache.max };
  }

  private async keyFor(kid: string | undefined) {
    const key = await this.options.keyRing.verificationKey(kid);
    if (!key) throw new TenureError('invalid_token', 'Unknown signing key.');
    return key;
  }
}
