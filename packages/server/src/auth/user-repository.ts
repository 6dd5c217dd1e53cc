import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';
import { outboxInsert } from '../sessions/event-outbox.ts';
import type { PublicUser } from '../sessions/schemas.ts';

export function toPublicUser(user: UserRow): PublicUser {
  return { id: user.user_id, email: user.email, name: user.name };
}

// Password accounts have uuid ids; other users' ids are never looked up in `users`.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** All SQL about Tenure's own password accounts. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Case-insensitive, on the unique index `lower(email)`. */
  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
  }

  /** Undefined for an id that is not one of ours (any string an adopting app uses, e.g. `github|4711`). */
  async findById(userId: string): Promise<UserRow | undefined> {
    if (!UUID.test(userId)) return undefined;
    return this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** Whether `userId` names one of Tenure's own password accounts. */
  async isPasswordUser(userId: string): Promise<boolean> {
    return (await this.findById(userId)) !== undefined;
  }

  /** The public profile of a session's user: just the id when it is not one of ours. */
  async profile(userId: string): Promise<PublicUser> {
    const user = await this.findById(userId);
    return user ? toPublicUser(user) : { id: userId };
  }

  /** Undefined when the email is taken (unique violation), without a race between check and insert. */
  async insert(input: {
    email: string;
    passwordHash: string;
    name: string | null;
  }): Promise<UserRow | undefined> {
    return this.db
      .insertInto('users')
      .values({
        user_id: randomUUID(),
        email: input.email,
        password_hash: input.passwordHash,
        name: input.name,
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * A password change by the person signed in on `sessionId`: the new hash and its announcement
   * (`user.password_changed`, with that session's device) in one statement.
   */
  async changePassword(input: { userId: string; passwordHash: string; sessionId: string; at: Date }) {
    await this.db
      .with('changed', (db) =>
        db
          .updateTable('users')
          .set({ password_hash: input.passwordHash })
          .where('user_id', '=', input.userId)
          .returning('user_id'),
      )
      .with('src', (db) =>
        db
          .selectFrom('user_sessions')
          .selectAll()
          .where('session_id', '=', input.sessionId)
          .where('user_id', '=', input.userId)
          .where((eb) => eb.exists(eb.selectFrom('changed').select('user_id'))),
      )
      .with('announced', () => outboxInsert('src', [{ type: 'user.password_changed' }], input.at))
      .selectFrom('changed')
      .select('user_id')
      .execute();
  }

  /** A new hash of the same password (its parameters changed). */
  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('user_id', '=', userId)
      .execute();
  }
}
