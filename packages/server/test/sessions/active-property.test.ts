import { randomUUID } from 'node:crypto';
import { endReasons } from '@tenure/protocol';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { activeSession, endedAt, isActive, type SessionTimes } from '../../src/sessions/active.ts';
import { CleanupRepository } from '../../src/sessions/cleanup-repository.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';

// The one definition of "active" is a pure function and a SQL filter built from the same
// inputs; the retention cleanup (the app's and the SQL function kept for pg_cron) deletes what
// ended before the retention cutoff. Random rows, exact boundary instants included, must get
// the same verdict from each.
const NOW = Date.parse('2026-06-01T12:00:00Z');
const IDLE_MS = 15 * 60_000;
const RETENTION_MS = 90 * 86_400_000;
const CUTOFF = NOW - RETENTION_MS;

let fresh: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let database: DatabaseHandle;
const userId = randomUUID();

beforeAll(async () => {
  fresh = await freshDatabaseUrl();
  database = await connectDatabase(fresh.url);
  await migrateToLatest(database.db);
  await database.db
    .insertInto('users')
    .values({ user_id: userId, email: 'p@example.com', password_hash: 'x', name: null })
    .execute();
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

/** An instant near one of the boundaries the rules compare against, often exactly on it. */
const instant = (anchors: number[]) =>
  fc
    .tuple(
      fc.constantFrom(...anchors),
      fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -3_600_000, max: 3_600_000 })),
    )
    .map(([anchor, offset]) => new Date(anchor + offset));

interface Row extends SessionTimes {
  session_id: string;
  revoked_at: Date | null;
}

const row: fc.Arbitrary<Row> = fc
  .record({
    ended: fc.boolean(),
    reason: fc.constantFrom(...endReasons),
    expires_at: instant([NOW, CUTOFF, NOW + 30 * 86_400_000]),
    last_active: instant([NOW - IDLE_MS, CUTOFF - IDLE_MS, NOW]),
    revoked_at: instant([CUTOFF, NOW]),
  })
  .map((r) => ({
    session_id: randomUUID(),
    is_revoked: r.ended,
    revoked_reason: r.ended ? r.reason : null,
    revoked_at: r.ended ? r.revoked_at : null,
    expires_at: r.expires_at,
    last_active: r.last_active,
  }));

async function insert(rows: Row[]) {
  await sql`TRUNCATE user_sessions CASCADE`.execute(database.db);
  await database.db
    .insertInto('user_sessions')
    .values(
      rows.map((r) => ({
        ...r,
        user_id: userId,
        refresh_token_hash: randomUUID(),
        device_type: 'desktop',
        created_at: new Date(CUTOFF - 86_400_000),
      })),
    )
    .execute();
}

const ids = (rows: Array<{ session_id: string }>) => rows.map((r) => r.session_id).sort();
const pastRetention = (rows: Row[]) => rows.filter((r) => (endedAt(r, IDLE_MS) ?? Infinity) < CUTOFF);

describe('one definition of an active session', () => {
  it('the pure function and the SQL filter agree on random rows, boundaries included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        await insert(rows);
        const selected = await database.db
          .selectFrom('user_sessions')
          .select('session_id')
          .where(activeSession(new Date(NOW), IDLE_MS))
          .execute();
        expect(ids(selected)).toEqual(ids(rows.filter((r) => isActive(r, NOW, IDLE_MS))));
      }),
      { numRuns: 40 },
    );
  });

  it("the app's cleanup deletes exactly what ended before the retention cutoff", async () => {
    const cleanup = new CleanupRepository(database.db, IDLE_MS);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        await insert(rows);
        const deleted = await cleanup.deleteEndedBefore(new Date(CUTOFF), 1000, new Date(NOW));
        expect(ids(deleted)).toEqual(ids(pastRetention(rows)));
        // Nothing still active is ever deleted.
        expect(
          deleted.filter((d) => rows.some((r) => r.session_id === d.session_id && isActive(r, NOW, IDLE_MS))),
        ).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('the SQL function kept for pg_cron deletes the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, batch) => {
          await insert(rows);
          const { rows: result } = await sql<{ n: number }>`
          SELECT cleanup_expired_sessions(15, 90, ${batch}, ${new Date(NOW)}) AS n`.execute(database.db);
          const left = await database.db.selectFrom('user_sessions').select('session_id').execute();
          const expected = pastRetention(rows);
          expect(Number(result[0]?.n)).toBe(expected.length);
          expect(ids(left)).toEqual(ids(rows.filter((r) => !expected.includes(r))));
        },
      ),
      { numRuns: 25 },
    );
  });
});
