import type { SessionEvent } from '@tenure/client';
import { useEffect, useRef } from 'react';
import { useTenureClient } from './use-tenure.ts';

/**
 * Calls `listener` for every session event (`expired`, `refreshed`, `signedOut`, `idleWarning`).
 * The latest listener is always used, so it may close over fresh props without resubscribing.
 */
export function useSessionEvents(listener: (event: SessionEvent) => void): void {
  const client = useTenureClient();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.sessionEvents.subscribe((event) => latest.current(event)), [client]);
}
