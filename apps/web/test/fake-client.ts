import type { AuthState, SessionEvent, TenureClient } from '@tenure/client';
import { messageFor } from '@tenure/client';
import axios from 'axios';
import { vi } from 'vitest';

export const signedInState: AuthState = {
  status: 'signedIn',
  user: { id: 'u1', email: 'ada@example.com', name: 'Ada' },
  session: { id: 's1', expiresAt: '2030-01-01T00:00:00.000Z' },
  policy: {
    inactivityTimeoutSeconds: 900,
    activityCheckIntervalSeconds: 300,
    accessTokenTtlSeconds: 300,
    sessionExpiresInSeconds: 86400,
  },
};

export type FakeClient = TenureClient & { setState(state: AuthState): void; emit(event: SessionEvent): void };

/** The client's public surface with state and events driven by the test (the server is not needed here). */
export function createFakeClient(initial: AuthState): FakeClient {
  let state = initial;
  const onChange = new Set<() => void>();
  const onEvent = new Set<(event: SessionEvent) => void>();
  const client: FakeClient = {
    // Answers like GET /api/auth/me for the current state.
    api: axios.create({
      adapter: async (config) => {
        const data = state.status === 'signedIn' ? { user: state.user, session: state.session } : {};
        return { data, status: 200, statusText: 'OK', headers: {}, config };
      },
    }),
    sessionEvents: {
      subscribe: (listener) => {
        onEvent.add(listener);
        return () => onEvent.delete(listener);
      },
    },
    getState: () => state,
    subscribe: (listener) => {
      onChange.add(listener);
      return () => onChange.delete(listener);
    },
    setState(next) {
      state = next;
      for (const listener of [...onChange]) listener();
    },
    emit(event) {
      for (const listener of [...onEvent]) listener(event);
    },
    restore: vi.fn(async () => state),
    login: vi.fn(async () => client.setState(signedInState)),
    register: vi.fn(async () => client.setState(signedInState)),
    logout: vi.fn(async () => client.setState({ status: 'signedOut', reason: 'signedOut' })),
    extend: vi.fn(async () => {}),
    listSessions: vi.fn(async () => []),
    revokeSession: vi.fn(async () => {}),
    revokeAllOtherSessions: vi.fn(async () => 0),
    listSecurityEvents: vi.fn(async () => []),
    reauthenticate: vi.fn(async () => {}),
    confirmReauth: vi.fn(async () => {}),
    cancelReauth: vi.fn(),
    messageFor: (error) => messageFor(error),
    stop: vi.fn(),
  };
  return client;
}
