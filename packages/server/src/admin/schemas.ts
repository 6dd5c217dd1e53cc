import { type Static, Type } from '@fastify/type-provider-typebox';
import { PublicSession } from '../sessions/schemas.ts';

const MAX_USER_ID_LENGTH = 255;

/**
 * How long a user id can be in a URL: 255 characters, each at most 3 UTF-8 bytes written as
 * `%XX%XX%XX`. Fastify's router refuses longer path parameters (default 100), so a server that
 * mounts the admin API sets `routerOptions.maxParamLength` to this.
 */
export const MAX_ENCODED_USER_ID_LENGTH = MAX_USER_ID_LENGTH * 9;

/** Any id the app uses for its users (a Tenure uuid or the app's own, e.g. `github|4711`), URL-decoded. */
export const UserParams = Type.Object(
  { userId: Type.String({ minLength: 1, maxLength: MAX_USER_ID_LENGTH }) },
  { additionalProperties: false },
);
export type UserParams = Static<typeof UserParams>;

/** A session as an operator sees it: the user's own view, without "current" (there is none). */
export const AdminSession = Type.Omit(PublicSession, ['isCurrent'], { additionalProperties: false });
export type AdminSession = Static<typeof AdminSession>;

export const AdminSessionsResponse = Type.Object(
  { sessions: Type.Array(AdminSession) },
  { additionalProperties: false },
);
