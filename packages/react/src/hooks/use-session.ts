import type { AuthState } from '@tenure/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useTenureClient } from './use-tenure.ts';

/** The current auth state; re-renders when the client's state changes. */
export function useSession(): AuthState {
  const client = useTenureClient();
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client]);
  const getState = useCallback(() => client.getState(), [client]);
  return useSyncExternalStore(subscribe, getState, getState);
}
