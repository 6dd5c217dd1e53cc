import { useEffect, useSyncExternalStore } from 'react';
import type { SessionsSnapshot } from './sessions-store.ts';
import { useTenureContext } from './use-tenure.ts';

export interface UseSessionsResult extends SessionsSnapshot {
  /** Fetch the list again (the error state's "Try again"). */
  reload(): Promise<void>;
  /** Revoke one session; rejects with the client's error so the caller can show it. */
  revoke(sessionId: string): Promise<void>;
  /** Revoke every session except the current one; resolves to how many were revoked. */
  revokeAllOthers(): Promise<number>;
}

/** The signed-in user's active sessions, loaded on mount and cached per provider. */
export function useSessions(): UseSessionsResult {
  const { sessions: store } = useTenureContext();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  useEffect(() => {
    void store.load();
  }, [store]);
  return {
    ...snapshot,
    reload: store.load,
    revoke: store.revoke,
    revokeAllOthers: store.revokeAllOthers,
  };
}
