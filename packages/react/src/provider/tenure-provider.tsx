import type { TenureClient } from '@tenure/client';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { createSessionsStore } from '../hooks/sessions-store.ts';
import { TenureContext, type TenureContextValue } from './context.ts';

export interface TenureProviderProps {
  client: TenureClient;
  /** Source of the current time in milliseconds. @default Date.now */
  clock?: () => number;
  /** Locale for dates and relative times. @default the browser's locale */
  locale?: string;
  children?: ReactNode;
}

/** Makes a `TenureClient` available to the hooks and components below it. */
export function TenureProvider({ client, clock = Date.now, locale, children }: TenureProviderProps) {
  const [sessions] = useState(() => createSessionsStore(client));

  // The cached session list belongs to the signed-in user; drop it as soon as they are gone.
  useEffect(
    () =>
      client.subscribe(() => {
        if (client.getState().status !== 'signedIn') sessions.reset();
      }),
    [client, sessions],
  );

  const value = useMemo<TenureContextValue>(
    () => ({ client, clock, locale, sessions }),
    [client, clock, locale, sessions],
  );
  return <TenureContext.Provider value={value}>{children}</TenureContext.Provider>;
}
