import type { SessionEvent } from '@tenure/client';
import { act, render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { TenureProvider, useSession, useSessionEvents, useSessions } from '../src/index.ts';
import { createFakeClient, deviceSession } from './fake-client.ts';

function wrapperFor(client: ReturnType<typeof createFakeClient>) {
  return ({ children }: { children: ReactNode }) => (
    <TenureProvider client={client}>{children}</TenureProvider>
  );
}

function SessionCount() {
  const { sessions } = useSessions();
  return <p>{sessions.length} sessions</p>;
}

describe('hooks', () => {
  it('useSession follows the client state', () => {
    const client = createFakeClient({ status: 'loading' });
    const { result } = renderHook(() => useSession(), { wrapper: wrapperFor(client) });
    expect(result.current.status).toBe('loading');
    act(() => client.setState({ status: 'signedOut', reason: 'none' }));
    expect(result.current).toEqual({ status: 'signedOut', reason: 'none' });
  });

  it('useSessionEvents delivers events to the latest listener and unsubscribes on unmount', () => {
    const client = createFakeClient();
    const first = vi.fn();
    const second = vi.fn();
    const { rerender, unmount } = renderHook(({ listener }) => useSessionEvents(listener), {
      wrapper: wrapperFor(client),
      initialProps: { listener: first as (event: SessionEvent) => void },
    });
    rerender({ listener: second });
    act(() => client.emit({ type: 'signedOut' }));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ type: 'signedOut' });

    unmount();
    client.emit({ type: 'signedOut' });
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('useSessions shares one request between components and forgets the list on sign-out', async () => {
    const client = createFakeClient(undefined, [deviceSession({ id: 'a', isCurrent: true })]);
    render(
      <TenureProvider client={client}>
        <SessionCount />
        <SessionCount />
      </TenureProvider>,
    );
    expect(await screen.findAllByText('1 sessions')).toHaveLength(2);
    expect(client.listSessions).toHaveBeenCalledTimes(1);

    act(() => client.setState({ status: 'signedOut', reason: 'signedOut' }));
    expect(screen.getAllByText('0 sessions')).toHaveLength(2);
  });

  it('throws a clear error outside the provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useSession())).toThrow(/inside <TenureProvider>/);
    vi.restoreAllMocks();
  });
});
