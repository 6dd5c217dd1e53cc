import { type Kysely, sql } from 'kysely';
import type { ActivityWrites } from '../protocol.ts';
import type { Database } from './server-paths.ts';

/**
 * Counts every change of `last_active` with a trigger, so the benchmark sees exactly how many
 * writes the coalesced activity tracker makes per session, and when. Installed only for the
 * duration of one case: it is a bench instrument, not part of the schema.
 */
export async function startActivityProbe(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS bench_activity_writes (
      session_id uuid NOT NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION bench_record_activity_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO bench_activity_writes (session_id) VALUES (NEW.session_id);
      RETURN NEW;
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER bench_activity_write AFTER UPDATE OF last_active ON user_sessions
    FOR EACH ROW WHEN (OLD.last_active IS DISTINCT FROM NEW.last_active)
    EXECUTE FUNCTION bench_record_activity_write()`.execute(db);
}

export async function stopActivityProbe(
  db: Kysely<Database>,
  sessionIds: string[],
  windowSeconds: number,
): Promise<ActivityWrites> {
  await sql`DROP TRIGGER IF EXISTS bench_activity_write ON user_sessions`.execute(db);
  const totals = await sql<{ writes: number; sessions: number }>`
    SELECT count(*)::int AS writes, count(DISTINCT session_id)::int AS sessions
    FROM bench_activity_writes WHERE session_id = ANY(${sessionIds}::uuid[])`.execute(db);
  // For every write, how many writes of the same session fall in the 60 s that start with it.
  const peak = await sql<{ peak: number | null }>`
    SELECT max(c)::int AS peak FROM (
      SELECT a.session_id, a.at, count(*) AS c
      FROM bench_activity_writes a
      JOIN bench_activity_writes b
        ON b.session_id = a.session_id AND b.at >= a.at AND b.at < a.at + interval '60 seconds'
      WHERE a.session_id = ANY(${sessionIds}::uuid[])
      GROUP BY a.session_id, a.at
    ) AS per_window`.execute(db);
  await sql`DROP TABLE IF EXISTS bench_activity_writes`.execute(db);
  await sql`DROP FUNCTION IF EXISTS bench_record_activity_write()`.execute(db);
  return {
    writes: totals.rows[0]?.writes ?? 0,
    sessionsWritten: totals.rows[0]?.sessions ?? 0,
    maxPerSessionPerMinute: peak.rows[0]?.peak ?? 0,
    windowSeconds,
  };
}
