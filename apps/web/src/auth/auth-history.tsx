import { useSession } from '@tenure/react';
import { createContext, type ReactNode, useContext, useRef } from 'react';

/**
 * True when this page had a signed-in user whose session then ended (expired, idle, revoked):
 * protected pages then stay where they are under the Session Expired modal instead of
 * redirecting, so "Log In Again" can bring the user back to this very page.
 */
const ExpiredInPlaceContext = createContext(false);

export function AuthHistoryProvider({ children }: { children: ReactNode }) {
  const state = useSession();
  const signedInOnce = useRef(false);
  if (state.status === 'signedIn') signedInOnce.current = true;
  const expiredInPlace = signedInOnce.current && state.status === 'signedOut' && state.reason === 'expired';
  return <ExpiredInPlaceContext.Provider value={expiredInPlace}>{children}</ExpiredInPlaceContext.Provider>;
}

export function useExpiredInPlace(): boolean {
  return useContext(ExpiredInPlaceContext);
}
