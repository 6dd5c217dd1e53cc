import { Type } from '@fastify/type-provider-typebox';

/** The error envelope every failure uses: `{"error":{"code","message"}}`. */
export const ErrorResponse = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }) },
  { additionalProperties: false, $id: 'ErrorResponse' },
);

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};

export const Timestamp = Type.String({ format: 'date-time' });

/** OpenAPI marking of routes that need `Authorization: Bearer <access token>`. */
export const bearerSecurity = [{ bearer: [] }];
