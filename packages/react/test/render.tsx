import { render } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { TenureProvider } from '../src/index.ts';
import type { FakeClient } from './fake-client.ts';

export const NOW = Date.parse('2025-01-01T12:00:00.000Z');

export function renderWithClient(ui: ReactNode, client: FakeClient, clock: () => number = () => NOW) {
  // StrictMode: effects run twice on mount in development; the components must not care.
  return render(
    <StrictMode>
      <TenureProvider client={client} clock={clock} locale="en-US">
        {ui}
      </TenureProvider>
    </StrictMode>,
  );
}
