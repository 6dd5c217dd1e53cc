import { type Static, Type } from '@fastify/type-provider-typebox';
import { Timestamp } from '../http/schemas.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PublicSession = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    deviceType: Type.Union([Type.Literal('desktop'), Type.Literal('mobile'), Type.Literal('tablet')]),
    deviceName: Nullable(Type.String()),
    browser: Nullable(Type.String()),
    os: Nullable(Type.String()),
    ipAddress: Nullable(Type.String()),
    location: Nullable(Type.String()),
    createdAt: Timestamp,
    lastActive: Timestamp,
    expiresAt: Timestamp,
    isCurrent: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PublicSession = Static<typeof PublicSession>;

export const SessionsResponse = Type.Object(
  { sessions: Type.Array(PublicSession) },
  { additionalProperties: false },
);

export const SessionParams = Type.Object(
  { sessionId: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
);
export type SessionParams = Static<typeof SessionParams>;

export const RevokeAllResponse = Type.Object(
  { revokedCount: Type.Integer() },
  { additionalProperties: false },
);

export const EmptyBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);

export const RefreshBody = Type.Object(
  { refreshToken: Type.Optional(Type.String({ maxLength: 256 })) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

/** A user as sessions know them: `email` and `name` are absent when the app never gave them. */
export const PublicUser = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255 }),
    email: Type.Optional(Type.String()),
    name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type PublicUser = Static<typeof PublicUser>;

/** The timeouts the server enforces, so the client never hard-codes them. */
export const SessionPolicy = Type.Object(
  {
    inactivityTimeoutSeconds: Type.Number(),
    activityCheckIntervalSeconds: Type.Number(),
    accessTokenTtlSeconds: Type.Number(),
    sessionExpiresInSeconds: Type.Number(),
  },
  { additionalProperties: false },
);

/** Login, register, refresh and `reply.startSession` answer with this body. */
export const SignedInResponse = Type.Object(
  {
    accessToken: Type.String(),
    accessTokenExpiresAt: Timestamp,
    user: PublicUser,
    session: Type.Object(
      { id: Type.String({ format: 'uuid' }), expiresAt: Timestamp },
      { additionalProperties: false },
    ),
    policy: SessionPolicy,
    refreshToken: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type SignedInResponse = Static<typeof SignedInResponse>;

export const MeResponse = Type.Object(
  {
    user: PublicUser,
    session: Type.Object(
      {
        id: Type.String({ format: 'uuid' }),
        expiresAt: Timestamp,
        createdAt: Timestamp,
        lastActive: Timestamp,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
