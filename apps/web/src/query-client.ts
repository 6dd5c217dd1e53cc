import { QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError, TimeoutError } from '@tenure/client';

/** Retry once only what may heal by itself; never a 4xx (an ended session goes to the modal). */
function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof ApiError && error.status >= 500;
}

/** Server state for the app (security events, the dashboard's `/me`). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => failureCount < 1 && isTransient(error),
      },
      mutations: { retry: false },
    },
  });
}
