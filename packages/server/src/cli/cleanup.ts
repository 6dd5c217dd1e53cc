import { parseArgs } from 'node:util';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { writeCleanupMetrics } from '../ops/cleanup-textfile.ts';
import { runCleanup } from '../sessions/cleanup.ts';
import { runCli } from './run-cli.ts';

// `npm run cleanup [-- --metrics-file PATH]`: the scheduled cleanup, once, from the command line.
// Same lock, same batches, same structured log line as the server's scheduled run.
const { values } = parseArgs({ options: { 'metrics-file': { type: 'string' } } });

await runCli(async (database, config) => {
  const log = createLogger(config);
  const result = await runCleanup(database.db, config, systemClock, { embedded: database.kind === 'pglite' });
  if (!result.ran) {
    log.info('session cleanup skipped: another instance holds the lock');
    return 'Cleanup is already running on another instance; nothing done.';
  }
  const { deleted, expiredUnobserved, batches, durationMs } = result;
  log.info({ deleted, expiredUnobserved, batches, durationMs }, 'session cleanup done');
  const metricsFile = values['metrics-file'];
  if (metricsFile) await writeCleanupMetrics(metricsFile, result, systemClock.now());
  return `Cleanup: ${deleted} sessions that ended more than the retention period ago deleted in ${durationMs} ms.`;
});
