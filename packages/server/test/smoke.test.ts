import { describe, expect, it } from 'vitest';
import { errorStatus } from '../src/errors.ts';

describe('error table', () => {
  it('maps every refresh failure to 401 so the client knows to sign in again', () => {
    for (const code of [
      'session_expired',
      'session_revoked',
      'refresh_token_reused',
      'invalid_refresh_token',
    ] as const) {
      expect(errorStatus[code]).toBe(401);
    }
  });
});
