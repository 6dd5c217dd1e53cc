/** `@tenure/server`: the app factory and what an adopting app needs around it. */
export { type BuildAppOptions, buildApp } from './app.ts';
export { type Clock, ManualClock, systemClock } from './clock.ts';
export { type Config, ConfigError, loadConfig } from './config.ts';
export { type ErrorCode, errorStatus, StoreUnavailableError, TenureError } from './errors.ts';
export type { Authenticated } from './sessions/session-service.ts';
