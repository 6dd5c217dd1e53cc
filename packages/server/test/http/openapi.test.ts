import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

// OpenAPI is generated from the route schemas, never hand-written; it lists every route of the
// HTTP API that Tenure mounts (in an adopting app too). The standalone server's operational
// endpoints (/healthz, /readyz, /metrics) are not part of it.
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters?: Array<{ name: string; in: string; schema: Schema }>;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  format?: string;
  minLength?: number;
  additionalProperties?: boolean;
}
type Paths = Record<string, Record<string, Operation>>;

let t: TestApp;
let paths: Paths;

beforeAll(async () => {
  t = await buildTestApp();
  const response = await t.app.inject({ method: 'GET', url: '/api/auth/openapi.json' });
  expect(response.statusCode).toBe(200);
  expect(response.json().openapi).toMatch(/^3\./);
  paths = response.json().paths;
});
afterAll(async () => t?.close());

const routes: Array<[method: string, path: string]> = [
  ['post', '/api/auth/register'],
  ['post', '/api/auth/login'],
  ['post', '/api/auth/refresh'],
  ['post', '/api/auth/logout'],
  ['get', '/api/auth/me'],
  ['get', '/api/auth/sessions'],
  ['delete', '/api/auth/sessions/{sessionId}'],
  ['post', '/api/auth/sessions/revoke-all'],
  ['post', '/api/auth/reauth'],
  ['get', '/api/auth/security-events'],
  ['get', '/.well-known/jwks.json'],
];

const jsonSchema = (operation: Operation | undefined, status: string) =>
  operation?.responses[status]?.content?.['application/json']?.schema;

describe('GET /api/auth/openapi.json', () => {
  it.each(routes)('lists %s %s', (method, path) => {
    expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it('carries the request schemas the server validates with', () => {
    const register = paths['/api/auth/register']?.post?.requestBody?.content['application/json']?.schema;
    expect(register).toMatchObject({
      type: 'object',
      required: ['email', 'password'],
      additionalProperties: false,
      properties: { email: { format: 'email' }, password: { minLength: 8 } },
    });
    const params = paths['/api/auth/sessions/{sessionId}']?.delete?.parameters;
    expect(params).toEqual([
      expect.objectContaining({
        name: 'sessionId',
        in: 'path',
        schema: expect.objectContaining({ format: 'uuid' }),
      }),
    ]);
  });

  it('carries the response schemas, so no field can leave the server undocumented', () => {
    const login = jsonSchema(paths['/api/auth/login']?.post, '200');
    expect(login?.required).toEqual(
      expect.arrayContaining(['accessToken', 'accessTokenExpiresAt', 'user', 'session']),
    );
    expect(login?.additionalProperties).toBe(false);

    const session = jsonSchema(paths['/api/auth/sessions']?.get, '200')?.properties?.sessions?.items;
    expect(Object.keys(session?.properties ?? {}).sort()).toEqual(
      [
        'id',
        'deviceType',
        'deviceName',
        'browser',
        'os',
        'ipAddress',
        'location',
        'createdAt',
        'lastActive',
        'expiresAt',
        'isCurrent',
      ].sort(),
    );
    expect(jsonSchema(paths['/api/auth/sessions/revoke-all']?.post, '200')?.required).toEqual([
      'revokedCount',
    ]);
  });

  it('documents the error envelope on failures', () => {
    const unauthorized = jsonSchema(paths['/api/auth/me']?.get, '401');
    expect(unauthorized?.properties?.error?.required).toEqual(['code', 'message']);
    expect(jsonSchema(paths['/api/auth/sessions/{sessionId}']?.delete, '404')).toBeDefined();
    expect(jsonSchema(paths['/api/auth/register']?.post, '409')).toBeDefined();
  });
});
