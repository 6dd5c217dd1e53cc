import type { AxiosInstance } from 'axios';
import { toClientError } from './errors.ts';
import type { DeviceSession, SecurityEvent, TenureClient } from './types.ts';

type AccountCalls = Pick<
  TenureClient,
  'listSessions' | 'revokeSession' | 'revokeAllOtherSessions' | 'listSecurityEvents'
>;

/**
 * The signed-in user's own endpoints, over the instance with the token and refresh
 * interceptors. Failures are the client's typed errors.
 */
export function createAccountCalls(
  auth: AxiosInstance,
  /** A session was revoked by this client (to sign out here when it was the current one). */
  onRevoked: (sessionId: string) => void | Promise<void>,
): AccountCalls {
  async function call<T>(request: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await request()).data;
    } catch (error) {
      throw toClientError(error);
    }
  }

  return {
    listSessions: async () =>
      (await call(() => auth.get<{ sessions: DeviceSession[] }>('/sessions'))).sessions,
    async revokeSession(sessionId) {
      await call(() => auth.delete(`/sessions/${encodeURIComponent(sessionId)}`));
      await onRevoked(sessionId);
    },
    // `{}`: a bodiless POST gets a form Content-Type from axios in Node, which the server refuses.
    revokeAllOtherSessions: async () =>
      (await call(() => auth.post<{ revokedCount: number }>('/sessions/revoke-all', {}))).revokedCount,
    listSecurityEvents: async () =>
      (await call(() => auth.get<{ events: SecurityEvent[] }>('/security-events'))).events,
  };
}
