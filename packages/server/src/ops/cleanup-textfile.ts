import { rename, writeFile } from 'node:fs/promises';
import { Gauge, Registry } from 'prom-client';
import type { CleanupResult } from '../sessions/cleanup.ts';

/**
 * The result of a command-line cleanup (`npm run cleanup -- --metrics-file PATH`) as a
 * Prometheus text file for node_exporter's textfile collector: the same
 * `tenure_cleanup_last_success_timestamp_seconds` the servers export, so the
 * `TenureCleanupNotRun` alert also covers cleanups run by an external cron.
 */
export async function renderCleanupMetrics(result: CleanupResult, finishedAtMs: number): Promise<string> {
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number) =>
    new Gauge({ name, help, registers: [registry] }).set(value);
  gauge(
    'tenure_cleanup_last_success_timestamp_seconds',
    'Unix time of the last successful cleanup (command line).',
    finishedAtMs / 1000,
  );
  gauge(
    'tenure_cleanup_last_duration_seconds',
    'Duration of the last cleanup run.',
    result.durationMs / 1000,
  );
  gauge(
    'tenure_cleanup_last_deleted_sessions',
    'Sessions deleted by the last run (ended longer than the retention period ago).',
    result.deleted,
  );
  return registry.metrics();
}

/** Writes next to the target and renames, so the collector never reads a half-written file. */
export async function writeCleanupMetrics(path: string, result: CleanupResult, finishedAtMs: number) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, await renderCleanupMetrics(result, finishedAtMs));
  await rename(temporary, path);
}
