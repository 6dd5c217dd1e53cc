import type { SessionPolicy } from '@tenure/client';
import { useRef } from 'react';
import { useSession } from './use-session.ts';

/**
 * The policy of the most recent signed-in state. Kept after sign-out, because the expired
 * modal and the login page still need to say how long the idle timeout was.
 */
export function useLastPolicy(): SessionPolicy | null {
  const state = useSession();
  const last = useRef<SessionPolicy | null>(null);
  if (state.status === 'signedIn') last.current = state.policy;
  return last.current;
}
