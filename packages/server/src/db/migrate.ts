import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as unrevokedIndexes from './migrations/0002-unrevoked-indexes.ts';
import * as sessionListIndex from './migrations/0003-session-list-index.ts';
import * as endingReasons from './migrations/0004-ending-reasons.ts';
import * as textUserIds from './migrations/0005-text-user-ids.ts';
import * as disabledUsers from './migrations/0006-disabled-users.ts';
import * as authTime from './migrations/0007-auth-time.ts';
import * as webhookOutbox from './migrations/0008-webhook-outbox.ts';
import type { Database } from './schema.ts';

// Migrations are imported statically (not read from a folder at run time) so that they work
// the same from source, from a bundle and in tests.
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-unrevoked-indexes': unrevokedIndexes,
  '0003-session-list-index': sessionListIndex,
  '0004-ending-reasons': endingReasons,
  '0005-text-user-ids': textUserIds,
  '0006-disabled-users': disabledUsers,
  '0007-auth-time': authTime,
  '0008-webhook-outbox': webhookOutbox,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
