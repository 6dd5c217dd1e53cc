import { type Config, ConfigError, loadConfig } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** Runs a one-shot command against the configured database (migrated first), then exits. */
export async function runCli(task: (database: DatabaseHandle, config: Readonly<Config>) => Promise<string>) {
  try {
    const config = loadConfig(process.env);
    // One-shot commands: no per-query limit, so a migration or a long cleanup batch is never cut off.
    const database = await connectDatabase(config.databaseUrl, { queryTimeoutMs: 0 });
    try {
      await migrateToLatest(database.db);
      process.stdout.write(`${await task(database, config)}\n`);
    } finally {
      await database.close();
    }
  } catch (error) {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  }
}
