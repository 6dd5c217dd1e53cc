import { type Static, Type } from '@fastify/type-provider-typebox';
import { Timestamp } from '../http/schemas.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PublicSession = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    deviceType: Type.String(),
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
