/** `@tenure/server`: the Fastify plugin, the standalone app, and what an adopting app needs around them. */
export { type BuildAppOptions, buildApp } from './app.ts';
export { type Clock, ManualClock, systemClock } from './clock.ts';
export { type Config, ConfigError, loadConfig } from './config.ts';
export { type ErrorCode, errorStatus, StoreUnavailableError, TenureError } from './errors.ts';
export { type TenureOptions, tenure } from './plugin.ts';
// `app.authenticate` and `request.auth` are declared next to their implementation; a value import
// alone would leave that declaration out of the published .d.ts, so the types import it here.
export type {} from './plugins/authenticate.ts';
export type { EndingCause, OutcomeListener, SessionFacts, SessionOutcome } from './sessions/outcomes.ts';
export type { PublicUser, SignedInResponse } from './sessions/schemas.ts';
export type { Authenticated } from './sessions/session-service.ts';
export type { StartSessionProfile } from './sessions/start-session.ts';
