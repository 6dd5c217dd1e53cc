import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** All SQL about disabled users. */
export class DisabledUserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** True when this call disabled the user; a repeat keeps the first time and actor. */
  async disable(input: { userId: string; actor: string | null; at: Date }): Promise<boolean> {
    const inserted = await this.db
      .insertInto('disabled_users')
      .values({ user_id: input.userId, actor: input.actor, disabled_at: input.at })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** True when the user was disabled until this call. */
  async enable(userId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('disabled_users')
      .where('user_id', '=', userId)
      .returning('user_id')
      .executeTakeFirst();
    return deleted !== undefined;
  }

  async isDisabled(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('disabled_users')
      .select('user_id')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
