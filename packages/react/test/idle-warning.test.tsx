import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWarning } from '../src/index.ts';
import { createFakeClient } from './fake-client.ts';
import { renderWithClient } from './render.tsx';

describe('IdleWarning', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    vi.useFakeTimers();
    now = Date.parse('2025-01-01T12:00:00.000Z');
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const advance = (ms: number) =>
    act(() => {
      now += ms;
      vi.advanceTimersByTime(ms);
    });

  function setup() {
    const client = createFakeClient();
    renderWithClient(<IdleWarning />, client, clock);
    const warn = (secondsLeft: number) => act(() => client.emit({ type: 'idleWarning', secondsLeft }));
    return { client, warn };
  }

  it('appears on idleWarning and counts down every second', () => {
    const { warn } = setup();
    expect(screen.queryByText(/signed out in/)).toBeNull();

    warn(60);
    expect(screen.getByText("You'll be signed out in 1:00")).toBeTruthy();
    advance(1000);
    expect(screen.getByText("You'll be signed out in 0:59")).toBeTruthy();
    advance(30_000);
    expect(screen.getByText("You'll be signed out in 0:29")).toBeTruthy();
  });

  it('is non-blocking: it does not take focus or hide the page', () => {
    const { warn } = setup();
    const before = document.activeElement;
    warn(60);
    expect(document.activeElement).toBe(before);
    expect(screen.getByRole('alertdialog').getAttribute('aria-modal')).toBe('false');
  });

  it('"Stay signed in" extends the session and dismisses the prompt', async () => {
    const { client, warn } = setup();
    warn(60);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    });
    expect(client.extend).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/signed out in/)).toBeNull();
  });

  it('shows the failure when extending fails', async () => {
    const { client, warn } = setup();
    client.extend.mockRejectedValueOnce(new Error('Network error. Please check your connection.'));
    warn(60);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    });
    expect(screen.getByRole('alert').textContent).toBe('Network error. Please check your connection.');
  });

  it('goes away when activity refreshed the session elsewhere, or when time runs out', () => {
    const { client, warn } = setup();
    warn(60);
    act(() => client.emit({ type: 'refreshed', accessTokenExpiresAt: '2025-01-01T12:05:00.000Z' }));
    expect(screen.queryByText(/signed out in/)).toBeNull();

    warn(2);
    advance(2000);
    expect(screen.queryByText(/signed out in/)).toBeNull();
  });
});
