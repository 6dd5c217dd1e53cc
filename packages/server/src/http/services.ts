import type { AuthService } from '../auth/auth-service.ts';
import type { RefreshCookie } from '../auth/refresh-cookie.ts';
import type { UserRepository } from '../auth/user-repository.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Geolocator } from '../devices/index.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { SecurityEvents } from '../security-events/security-events.ts';
import type { ActivityTracker } from '../sessions/activity.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { Store } from '../store/store.ts';
import type { KeyRing } from '../tokens/signing-keys.ts';

/** Everything the routes need, built once in `buildApp` and passed to each route plugin. */
export interface Services {
  config: Readonly<Config>;
  clock: Clock;
  database: DatabaseHandle;
  store: Store;
  metrics: Metrics;
  geolocator: Geolocator;
  keyRing: KeyRing;
  users: UserRepository;
  sessions: SessionService;
  activity: ActivityTracker;
  auth: AuthService;
  events: SecurityEvents;
  refreshCookie: RefreshCookie;
}
