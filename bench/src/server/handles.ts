import type { Kysely } from 'kysely';
import { AccessTokens, type Clock, type Config, type Database, type KeyRing } from './server-paths.ts';

/**
 * What the bench child keeps of the server it built: the database handle and clock it handed to
 * `buildApp`, the config, and a key ring of its own over that database (it reads the key the
 * server signs with from `signing_keys`, or JWT_PRIVATE_KEY when that is set).
 */
export interface ServerHandles {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
  keyRing: KeyRing;
}

/** `AccessTokens` configured as the server configures its own (default cache size included). */
export function serverAccessTokens({ keyRing, clock, config }: ServerHandles): AccessTokens {
  return new AccessTokens({
    keyRing,
    clock,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    maxLifetimeMs: config.accessTokenTtlMs,
  });
}
