/**
 * `@tenure/verify`: verify Tenure access tokens in any other Node or edge service, with
 * signed-out sessions refused. Needs only WebCrypto and fetch; Redis mode loads `ioredis`.
 */
export {
  createVerifier,
  type FeedRevocationOptions,
  type RedisRevocationOptions,
  type VerifiedSession,
  type Verifier,
  type VerifierOptions,
} from './create-verifier.ts';
export { VerifyError, type VerifyErrorCode } from './errors.ts';
export {
  requireSession,
  type SessionMiddleware,
  type SessionRequest,
  type SessionResponse,
} from './require-session.ts';
