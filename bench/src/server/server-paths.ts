// The benchmark drives the server's own modules; this is the one place that knows where they are.
export { hashPassword } from '../../../packages/server/src/auth/passwords.ts';
export { type Clock, systemClock } from '../../../packages/server/src/clock.ts';
export { type Config, loadConfig } from '../../../packages/server/src/config.ts';
export { connectDatabase, type DatabaseHandle } from '../../../packages/server/src/db/connect.ts';
export type { Database } from '../../../packages/server/src/db/schema.ts';
export {
  createGeolocator,
  describeDevice,
  type Geolocator,
} from '../../../packages/server/src/devices/index.ts';
export { TenureError } from '../../../packages/server/src/errors.ts';
export { tenure } from '../../../packages/server/src/plugin.ts';
export { clientKey } from '../../../packages/server/src/security/client-key.ts';
export { runCleanup } from '../../../packages/server/src/sessions/cleanup.ts';
export { createStore } from '../../../packages/server/src/store/index.ts';
export type { Store } from '../../../packages/server/src/store/store.ts';
export { AccessTokens } from '../../../packages/server/src/tokens/access-token.ts';
export { generateRefreshToken, hashRefreshToken } from '../../../packages/server/src/tokens/refresh-token.ts';
export { KeyRing } from '../../../packages/server/src/tokens/signing-keys.ts';
