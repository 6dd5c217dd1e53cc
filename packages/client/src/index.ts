/**
 * `@tenure/client`: keep people signed in without surprises. One public entry; everything
 * else in this package is internal.
 */
export { createTenureClient } from './create-client.ts';
export {
  ApiError,
  type ClientErrorCode,
  NetworkError,
  ReauthRequiredError,
  SessionExpiredError,
  TenureClientError,
  TimeoutError,
} from './errors.ts';
export { messageFor, messages, rateLimitedMessage, toastFor } from './messages.ts';
export type * from './types.ts';
