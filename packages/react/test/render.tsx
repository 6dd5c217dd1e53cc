import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { TenureProvider } from '../src/index.ts';
import type { FakeClient } from './fake-client.ts';

export const NOW = Date.parse('2025-01-01T12:00:00.000Z');

export function renderWithClient(ui: ReactNode, client: FakeClient, clock: () => number = () => NOW) {
  return render(
    <TenureProvider client={client} clock={clock} locale="en-US">
      {ui}
    </TenureProvider>,
  );
}
