import type { TenureClient } from '@tenure/client';
import { createContext } from 'react';
import type { SessionsStore } from '../hooks/sessions-store.ts';

export interface TenureContextValue {
  client: TenureClient;
  /** Milliseconds since the epoch; injected so tests can control relative times and countdowns. */
  clock: () => number;
  /** BCP 47 locale for dates and relative times; `undefined` means the browser's. */
  locale: string | undefined;
  sessions: SessionsStore;
}

export const TenureContext = createContext<TenureContextValue | null>(null);
