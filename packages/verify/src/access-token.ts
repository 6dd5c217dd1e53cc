import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { VerifyError } from './errors.ts';

export interface AccessClaims {
  sub: string;
  sid: string;
  exp: number;
  authTime: number | undefined;
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

// Tenure's access tokens are at most a few hundred bytes; refuse megabytes before parsing them.
const MAX_TOKEN_LENGTH = 4096;
// The server refuses tokens "issued" later than this into its future; so do we.
const IAT_LEEWAY_SECONDS = 5;
// Our own failures to fetch the signing keys: the token may be fine, we cannot tell (503).
const KEY_SET_OUTAGES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/**
 * Checks signature (EdDSA only, keys from the server's JWKS, fetched once and again only for an
 * unknown `kid`), `typ` at+jwt, issuer, audience and a strict `exp`. Throws `VerifyError`.
 */
export function accessTokenChecker(options: AccessTokenOptions) {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl));
  return async (token: string, nowMs: number): Promise<AccessClaims> => {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new VerifyError('invalid_token');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        typ: 'at+jwt',
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'sid', 'exp'],
        clockTolerance: 0,
        currentDate: new Date(nowMs),
      }));
    } catch (error) {
      throw toVerifyError(error);
    }
    const { sub, sid, exp, iat, auth_time: authTime } = payload;
    if (typeof sub !== 'string' || sub === '' || typeof sid !== 'string' || sid === '') {
      throw new VerifyError('invalid_token');
    }
    if (typeof exp !== 'number' || (iat !== undefined && iat > nowMs / 1000 + IAT_LEEWAY_SECONDS)) {
      throw new VerifyError('invalid_token');
    }
    if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
      throw new VerifyError('invalid_token');
    }
    return { sub, sid, exp, authTime };
  };
}

function toVerifyError(error: unknown): VerifyError {
  if (error instanceof errors.JWTExpired) return new VerifyError('token_expired');
  if (error instanceof errors.JOSEError && !KEY_SET_OUTAGES.has(error.code)) {
    return new VerifyError('invalid_token');
  }
  // A failed fetch of the key set (network, timeout, not 200, not a key set).
  return new VerifyError('unavailable', { cause: error });
}
