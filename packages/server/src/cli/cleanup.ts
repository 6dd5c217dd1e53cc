import { systemClock } from '../clock.ts';
import { runCleanup } from '../sessions/cleanup.ts';
import { runCli } from './run-cli.ts';

// `npm run cleanup`: the scheduled cleanup, once, from the command line.
await runCli(async (database, config) => {
  const result = await runCleanup(database.db, config, systemClock);
  if (!result.ran) return 'Cleanup is already running on another instance; nothing done.';
  return `Cleanup: ${result.expired} expired sessions revoked, ${result.deleted} old revoked sessions deleted in ${result.durationMs} ms.`;
});
