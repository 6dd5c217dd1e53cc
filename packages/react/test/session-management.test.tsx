import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SessionManagement } from '../src/index.ts';
import { createFakeClient, deviceSession } from './fake-client.ts';
import { NOW, renderWithClient } from './render.tsx';

const current = deviceSession({
  id: 's-current',
  isCurrent: true,
  lastActive: new Date(NOW - 10_000).toISOString(),
});
const phone = deviceSession({
  id: 's-phone',
  deviceType: 'mobile',
  deviceName: 'iPhone',
  browser: 'Safari 17',
  os: 'iOS 17.4',
  ipAddress: '198.51.100.4',
  location: null,
  lastActive: new Date(NOW - 2 * 3600_000).toISOString(),
});
const tablet = deviceSession({ id: 's-tablet', deviceType: 'tablet', deviceName: 'iPad', os: 'iPadOS 17' });

async function renderPanel(sessions = [current, phone, tablet]) {
  const client = createFakeClient(undefined, sessions);
  renderWithClient(<SessionManagement />, client);
  await screen.findAllByTestId('session-card');
  return { client, user: userEvent.setup() };
}

function card(name: string): HTMLElement {
  const match = screen.getAllByTestId('session-card').find((element) => element.textContent?.includes(name));
  if (!match) throw new Error(`no card for ${name}`);
  return match;
}

describe('SessionManagement', () => {
  it('shows the heading and a card per session with device, "Browser on OS", IP, location and last activity', async () => {
    await renderPanel();
    expect(screen.getByRole('heading', { name: 'Active Sessions' })).toBeTruthy();
    expect(screen.getAllByTestId('session-card')).toHaveLength(3);

    const phoneCard = card('iPhone');
    expect(phoneCard.textContent).toContain('Safari 17 on iOS 17.4');
    expect(phoneCard.textContent).toContain('198.51.100.4');
    expect(phoneCard.textContent).toContain('Unknown location');
    expect(phoneCard.querySelector('[data-device-type="mobile"]')).not.toBeNull();
    const time = within(phoneCard).getByText('2 hours ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('dateTime')).toBe(phone.lastActive);
    expect(time.getAttribute('title')).toMatch(/2025/);

    expect(card('iPad').querySelector('[data-device-type="tablet"]')).not.toBeNull();
    expect(card('Berlin, Germany').textContent).toContain('Just now');
  });

  it('marks the current session with a "Current" badge and offers no Revoke on it', async () => {
    await renderPanel();
    const currentCard = screen.getAllByTestId('session-card')[0]!;
    expect(within(currentCard).getByText('Current')).toBeTruthy();
    expect(within(currentCard).queryByRole('button')).toBeNull();
    expect(screen.getAllByText('Current')).toHaveLength(1);
    expect(
      within(card('iPhone')).getByRole('button', { name: 'Revoke Safari 17 on iOS 17.4 (iPhone)' }),
    ).toBeTruthy();
  });

  it('asks for confirmation before revoking, then revokes through the client and removes the card', async () => {
    const { client, user } = await renderPanel();
    await user.click(screen.getByRole('button', { name: 'Revoke Safari 17 on iOS 17.4 (iPhone)' }));

    const dialog = screen.getByRole('dialog', { name: 'Revoke this session?' });
    expect(dialog.textContent).toContain('Safari 17 on iOS 17.4 (iPhone) will be signed out right away');
    expect(client.revokeSession).not.toHaveBeenCalled();

    client.listSessions.mockResolvedValue([current, tablet]);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));

    expect(client.revokeSession).toHaveBeenCalledWith('s-phone');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getAllByTestId('session-card')).toHaveLength(2);
    expect(screen.queryByText('iPhone')).toBeNull();
  });

  it('cancelling the confirmation revokes nothing', async () => {
    const { client, user } = await renderPanel();
    await user.click(screen.getByRole('button', { name: 'Revoke Chrome 120 on iPadOS 17 (iPad)' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(client.revokeSession).not.toHaveBeenCalled();
    expect(screen.getAllByTestId('session-card')).toHaveLength(3);
  });

  it('shows the failure inside the confirmation when revoking fails', async () => {
    const { client, user } = await renderPanel();
    client.revokeSession.mockRejectedValueOnce(new Error('Network error. Please check your connection.'));
    await user.click(screen.getByRole('button', { name: 'Revoke Safari 17 on iOS 17.4 (iPhone)' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Network error. Please check your connection.',
    );
    expect(screen.getAllByTestId('session-card')).toHaveLength(3);
  });

  it('"Revoke all other sessions" confirms with the count and keeps only this device', async () => {
    const { client, user } = await renderPanel();
    await user.click(screen.getByRole('button', { name: 'Revoke all other sessions' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke all other sessions?' });
    expect(dialog.textContent).toContain('2 other sessions will be signed out');

    client.listSessions.mockResolvedValue([current]);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));

    expect(client.revokeAllOtherSessions).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getAllByTestId('session-card')).toHaveLength(1));
    expect(screen.getByRole('button', { name: 'Revoke all other sessions' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('disables "Revoke all other sessions" when this is the only session', async () => {
    await renderPanel([current]);
    expect(screen.getByRole('button', { name: 'Revoke all other sessions' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('shows a skeleton while loading', () => {
    const client = createFakeClient();
    client.listSessions.mockReturnValue(new Promise(() => {}));
    renderWithClient(<SessionManagement />, client);
    expect(screen.getByTestId('sessions-loading').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading sessions…').getAttribute('role')).toBe('status');
  });

  it('shows an error with "Try again", and retrying loads the sessions', async () => {
    const client = createFakeClient(undefined, [current, phone]);
    client.listSessions.mockRejectedValueOnce(new Error('Request timeout. Please try again.'));
    renderWithClient(<SessionManagement />, client);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain("We couldn't load your sessions.");
    expect(alert.textContent).toContain('Request timeout. Please try again.');

    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('session-card')).toHaveLength(2);
    expect(client.listSessions).toHaveBeenCalledTimes(2);
  });

  it('shows an empty state when there are no sessions', async () => {
    const client = createFakeClient(undefined, []);
    renderWithClient(<SessionManagement />, client);
    expect(await screen.findByText('No active sessions')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Revoke all other sessions' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('includes security tips', async () => {
    await renderPanel();
    expect(screen.getByRole('heading', { name: 'Security tips' })).toBeTruthy();
  });
});
