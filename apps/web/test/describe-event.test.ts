import type { SecurityEvent } from '@tenure/client';
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../src/security/describe-event.ts';

const event = (type: string, detail: Record<string, unknown> = {}): SecurityEvent => ({
  id: '1',
  type,
  sessionId: null,
  ipAddress: null,
  userAgent: null,
  detail,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('describeEvent', () => {
  it('a sign-out by an administrator says so, and says when the account was disabled', () => {
    expect(describeEvent(event('session_revoked', { by: 'admin', reason: 'admin' }))).toBe(
      'Signed out by an administrator',
    );
    expect(
      describeEvent(event('sessions_revoked_all', { by: 'admin', reason: 'admin', revokedCount: 2 })),
    ).toBe('Signed out by an administrator (2)');
    expect(
      describeEvent(event('sessions_revoked_all', { by: 'admin', reason: 'user_disabled', revokedCount: 3 })),
    ).toBe('Signed out by an administrator: account disabled (3)');
    expect(describeEvent(event('account_disabled', { by: 'admin' }))).toBe(
      'Account disabled by an administrator',
    );
    expect(describeEvent(event('account_enabled', { by: 'admin' }))).toBe(
      'Account enabled again by an administrator',
    );
  });

  it('the user’s own revocations keep their labels', () => {
    expect(describeEvent(event('session_revoked', { by: 'user', reason: 'revoked' }))).toBe(
      'A session was revoked',
    );
    expect(describeEvent(event('sessions_revoked_all', { by: 'user', revokedCount: 1 }))).toBe(
      'All other sessions were revoked (1)',
    );
  });
});
