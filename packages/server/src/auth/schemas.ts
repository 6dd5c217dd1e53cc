import { type Static, Type } from '@fastify/type-provider-typebox';
import { Timestamp } from '../http/schemas.ts';

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.Optional(Type.String({ maxLength: 256 })) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const PublicUser = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

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

/** Login, register and refresh answer with this body (SPEC §4). */
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

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 8, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
