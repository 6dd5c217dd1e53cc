import type { DeviceSession, TenureClient } from '@tenure/client';

export interface SessionsSnapshot {
  /** `idle` before the first load; `loading` only while there is nothing cached to show. */
  status: 'idle' | 'loading' | 'success' | 'error';
  sessions: DeviceSession[];
  error: unknown;
  /** A request is in flight (also while cached sessions are shown). */
  isFetching: boolean;
}

export interface SessionsStore {
  getSnapshot(): SessionsSnapshot;
  subscribe(onChange: () => void): () => void;
  /** Fetches the list; concurrent calls share one request. Never rejects: failures land in `error`. */
  load(): Promise<void>;
  revoke(sessionId: string): Promise<void>;
  revokeAllOthers(): Promise<number>;
  /** Forgets the cached list (on sign-out). */
  reset(): void;
}

const initial: SessionsSnapshot = { status: 'idle', sessions: [], error: null, isFetching: false };

/**
 * A small cache of the user's sessions shared by every `useSessions()` in one provider, so the
 * panel shows the last list at once on remount while it revalidates. Works without TanStack Query.
 */
export function createSessionsStore(client: TenureClient): SessionsStore {
  let snapshot = initial;
  let pending: Promise<void> | null = null;
  // Bumped by reset() so a response that arrives after sign-out is dropped.
  let epoch = 0;
  const listeners = new Set<() => void>();

  const set = (next: Partial<SessionsSnapshot>) => {
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };

  const load = (): Promise<void> => {
    if (pending) return pending;
    const started = epoch;
    set({ isFetching: true, status: snapshot.status === 'success' ? 'success' : 'loading' });
    const request = client
      .listSessions()
      .then(
        (sessions) => {
          if (started === epoch) set({ status: 'success', sessions, error: null, isFetching: false });
        },
        (error: unknown) => {
          if (started === epoch) set({ status: 'error', error, isFetching: false });
        },
      )
      .finally(() => {
        // Single flight: clear by identity so a newer request is never forgotten.
        if (pending === request) pending = null;
      });
    pending = request;
    return request;
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    load,
    async revoke(sessionId) {
      await client.revokeSession(sessionId);
      set({ sessions: snapshot.sessions.filter((session) => session.id !== sessionId) });
      void load();
    },
    async revokeAllOthers() {
      const count = await client.revokeAllOtherSessions();
      set({ sessions: snapshot.sessions.filter((session) => session.isCurrent) });
      void load();
      return count;
    },
    reset() {
      epoch += 1;
      pending = null;
      if (snapshot !== initial) set(initial);
    },
  };
}
