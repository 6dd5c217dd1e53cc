import { Type } from '@fastify/type-provider-typebox';
import { Timestamp } from '../http/schemas.ts';

export const RevocationsQuery = Type.Object(
  {
    /** The `cursor` of the previous answer; absent: every revocation still in force. */
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** 1 to 1000 (query strings are not coerced: digits, no sign, no leading zero). */
    limit: Type.Optional(Type.String({ pattern: '^(1000|[1-9][0-9]{0,2})$' })),
  },
  { additionalProperties: false },
);

export const Revocation = Type.Object(
  {
    sessionId: Type.String({ format: 'uuid' }),
    /** Refuse the session's access tokens until then; none of them is live afterwards. */
    until: Timestamp,
  },
  { additionalProperties: false },
);

export const RevocationsResponse = Type.Object(
  {
    revocations: Type.Array(Revocation),
    /** Opaque; pass it as `after` next time. */
    cursor: Type.String(),
    /** More revocations wait: ask again at once with `cursor`. */
    hasMore: Type.Boolean(),
  },
  { additionalProperties: false },
);
