import { migrateToLatest } from '../db/migrate.ts';
import { runCli } from './run-cli.ts';

// `npm run migrate`: applies pending migrations (runCli migrates first; this reports which).
await runCli(async (database) => {
  const applied = await migrateToLatest(database.db);
  return `Database (${database.kind}) is at the latest migration${applied.length ? `; applied ${applied.join(', ')}` : ''}.`;
});
