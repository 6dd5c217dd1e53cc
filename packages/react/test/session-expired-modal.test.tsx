import type { SessionEndCode } from '@tenure/client';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SessionExpiredModal } from '../src/index.ts';
import { createFakeClient, policy } from './fake-client.ts';
import { renderWithClient } from './render.tsx';

function setup(props: { getReturnTo?: () => string } = {}) {
  const client = createFakeClient();
  const onLogIn = vi.fn();
  renderWithClient(
    <>
      <button type="button">Save draft</button>
      <SessionExpiredModal onLogIn={onLogIn} {...props} />
    </>,
    client,
  );
  const expire = (code: SessionEndCode = 'session_expired') =>
    act(() => {
      client.setState({ status: 'signedOut', reason: 'expired' });
      client.emit({ type: 'expired', code });
    });
  return { client, onLogIn, expire, user: userEvent.setup() };
}

describe('SessionExpiredModal', () => {
  it('stays closed until the client emits expired, then opens as a labelled modal dialog', () => {
    const { expire } = setup();
    expect(screen.queryByRole('dialog')).toBeNull();

    expire();

    const dialog = screen.getByRole('dialog', { name: 'Session Expired' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(within(dialog).getByRole('button', { name: 'Log In Again' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeTruthy();
    expect(dialog.textContent).toContain('sessions end after 15 minutes of inactivity');
  });

  it('takes the idle timeout in the tip from the server policy', () => {
    const client = createFakeClient({
      status: 'signedIn',
      user: { id: 'u', email: 'a@b.c', name: null },
      session: { id: 's', expiresAt: '2030-01-01T00:00:00Z' },
      policy: { ...policy, inactivityTimeoutSeconds: 30 * 60 },
    });
    renderWithClient(<SessionExpiredModal onLogIn={() => {}} />, client);
    act(() => {
      client.setState({ status: 'signedOut', reason: 'expired' });
      client.emit({ type: 'expired', code: 'session_expired' });
    });
    expect(screen.getByRole('dialog').textContent).toContain('after 30 minutes of inactivity');
  });

  it('does not open for a user who was never signed in (failed restore on page load)', () => {
    const client = createFakeClient({ status: 'signedOut', reason: 'expired' });
    renderWithClient(<SessionExpiredModal onLogIn={() => {}} />, client);
    act(() => client.emit({ type: 'expired', code: 'session_expired' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('hides the page behind it from assistive technology while open', () => {
    const { expire } = setup();
    expire();
    expect(screen.queryByRole('button', { name: 'Save draft' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Save draft', hidden: true })).toBeTruthy();
  });

  it('traps focus: Tab and Shift+Tab cycle between its buttons', async () => {
    const { expire, user } = setup();
    expire();
    const logIn = screen.getByRole('button', { name: 'Log In Again' });
    const close = screen.getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(logIn);

    await user.tab();
    expect(document.activeElement).toBe(close);
    await user.tab();
    expect(document.activeElement).toBe(logIn);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(close);
  });

  it('closes on Escape and gives focus back to where it was', async () => {
    const { expire, user } = setup();
    const saveDraft = screen.getByRole('button', { name: 'Save draft' });
    saveDraft.focus();
    expire();
    expect(document.activeElement).not.toBe(saveDraft);

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(saveDraft);
  });

  it('closes with "Close" without navigating', async () => {
    const { expire, user, onLogIn } = setup();
    expire();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(onLogIn).not.toHaveBeenCalled();
  });

  it('"Log In Again" calls onLogIn with the current page to return to', async () => {
    window.history.replaceState(null, '', '/settings/security?tab=devices');
    const { expire, user, onLogIn } = setup();
    expire();
    await user.click(screen.getByRole('button', { name: 'Log In Again' }));
    expect(onLogIn).toHaveBeenCalledWith({ returnTo: '/settings/security?tab=devices' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('explains a revocation from another device', () => {
    const { expire } = setup();
    expire('session_revoked');
    expect(screen.getByRole('dialog').textContent).toContain('signed out from another session');
  });
});
