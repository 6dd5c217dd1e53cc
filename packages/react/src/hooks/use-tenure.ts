import type { TenureClient } from '@tenure/client';
import { useContext } from 'react';
import { TenureContext, type TenureContextValue } from '../provider/context.ts';

export function useTenureContext(): TenureContextValue {
  const value = useContext(TenureContext);
  if (!value) throw new Error('Tenure hooks and components must be rendered inside <TenureProvider>.');
  return value;
}

/** The `TenureClient` given to the nearest `TenureProvider`. */
export function useTenureClient(): TenureClient {
  return useTenureContext().client;
}
