import type { AuthState, DeviceSession, SessionEvent, SessionPolicy, TenureClient } from '@tenure/client';
import axios from 'axios';
import { vi } from 'vitest';

export const policy: SessionPolicy = {
  inactivityTimeoutSeconds: 15 * 60,
  activityCheckIntervalSeconds: 5 * 60,
  accessTokenTtlSeconds: 5 * 60,
  sessionExpiresInSeconds: 30 * 24 * 3600,
};

export const signedIn: AuthState = {
  status: 'signedIn',
  user: { id: 'u1', email: 'ada@example.com', name: 'Ada' },
  session: { id: 's-current', expiresAt: '2030-01-01T00:00:00.000Z' },
  policy,
};

export interface FakeClient extends TenureClient {
  emit(event: SessionEvent): void;
  setState(state: AuthState): void;
  listSessions: ReturnType<typeof vi.fn<() => Promise<DeviceSession[]>>>;
  revokeSession: ReturnType<typeof vi.fn<(id: string) => Promise<void>>>;
  revokeAllOtherSessions: ReturnType<typeof vi.fn<() => Promise<number>>>;
  extend: ReturnType<typeof vi.fn<() => Promise<void>>>;
  reauthenticate: ReturnType<typeof vi.fn<(password: string) => Promise<void>>>;
  cancelReauth: ReturnType<typeof vi.fn<() => void>>;
}

/** A stand-in for `@tenure/client` with the same public surface; state and events are driven by the test. */
export function createFakeClient(initial: AuthState = signedIn, sessions: DeviceSession[] = []): FakeClient {
  let state = initial;
  const changeListeners = new Set<() => void>();
  const eventListeners = new Set<(event: SessionEvent) => void>();
  return {
    api: axios.create(),
    sessionEvents: {
      subscribe(listener) {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
    },
    getState: () => state,
    subscribe(onChange) {
      changeListeners.add(onChange);
      return () => changeListeners.delete(onChange);
    },
    emit(event) {
      for (const listener of [...eventListeners]) listener(event);
    },
    setState(next) {
      state = next;
      for (const listener of [...changeListeners]) listener();
    },
    restore: vi.fn(async () => state),
    login: vi.fn(async () => {}),
    register: vi.fn(async () => {}),
    logout: vi.fn(async () => {}),
    extend: vi.fn(async () => {}),
    listSessions: vi.fn(async () => sessions),
    revokeSession: vi.fn(async () => {}),
    revokeAllOtherSessions: vi.fn(async () => sessions.filter((session) => !session.isCurrent).length),
    listSecurityEvents: vi.fn(async () => []),
    reauthenticate: vi.fn(async (_password: string) => {}),
    confirmReauth: vi.fn(async () => {}),
    cancelReauth: vi.fn(() => {}),
    messageFor: (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong.'),
    stop: vi.fn(),
  };
}

export function deviceSession(overrides: Partial<DeviceSession> & { id: string }): DeviceSession {
  return {
    deviceType: 'desktop',
    deviceName: 'Mac',
    browser: 'Chrome 120',
    os: 'macOS 14',
    ipAddress: '203.0.113.7',
    location: 'Berlin, Germany',
    createdAt: '2025-01-01T08:00:00.000Z',
    lastActive: '2025-01-01T10:00:00.000Z',
    expiresAt: '2025-01-31T08:00:00.000Z',
    isCurrent: false,
    ...overrides,
  };
}
