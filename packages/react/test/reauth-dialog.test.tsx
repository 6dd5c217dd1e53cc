import { ApiError, messages } from '@tenure/client';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { ReauthDialog } from '../src/index.ts';
import { createFakeClient } from './fake-client.ts';
import { renderWithClient } from './render.tsx';

function setup() {
  const client = createFakeClient();
  renderWithClient(
    <main>
      <h1>Security</h1>
      <button type="button">Revoke all other sessions</button>
      <ReauthDialog />
    </main>,
    client,
  );
  const require = () => act(() => client.emit({ type: 'reauthRequired' }));
  return { client, require, user: userEvent.setup() };
}

describe('ReauthDialog', () => {
  it('stays closed until the client emits reauthRequired, then opens as a modal dialog named "Confirm it\'s you" with focus on the Password field', () => {
    const { require } = setup();
    expect(screen.queryByRole('dialog')).toBeNull();

    require();

    const dialog = screen.getByRole('dialog', { name: "Confirm it's you" });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const password = within(dialog).getByLabelText('Password');
    expect(document.activeElement).toBe(password);
    expect(within(dialog).getByRole('button', { name: 'Confirm' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('submits the password with reauthenticate(password) and closes on success, giving focus back', async () => {
    const { client, require, user } = setup();
    const trigger = screen.getByRole('button', { name: 'Revoke all other sessions' });
    trigger.focus();
    require();

    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    expect(client.reauthenticate).toHaveBeenCalledWith('correct horse');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);
    expect(client.cancelReauth).not.toHaveBeenCalled();
  });

  it('shows the error on a wrong password and stays open for another try', async () => {
    const { client, require, user } = setup();
    client.reauthenticate.mockRejectedValueOnce(new ApiError('invalid_credentials', 401));
    require();

    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}');

    expect((await screen.findByRole('alert')).textContent).toBe(messages.reauthInvalidPassword);
    const dialog = screen.getByRole('dialog', { name: "Confirm it's you" });
    expect(within(dialog).getByLabelText('Password')).toHaveProperty('value', '');
    expect(client.cancelReauth).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Escape and Cancel give up with cancelReauth()', async () => {
    const { client, require, user } = setup();
    require();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(client.cancelReauth).toHaveBeenCalledTimes(1);

    require();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(client.cancelReauth).toHaveBeenCalledTimes(2);
  });

  it('traps focus inside the dialog', async () => {
    const { require, user } = setup();
    require();
    const dialog = screen.getByRole('dialog');
    for (let i = 0; i < 5; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
  });

  it('has no axe violations when open, nor with an error shown', async () => {
    const { client, require, user } = setup();
    const options: axe.RunOptions = { rules: { 'color-contrast': { enabled: false } } };
    require();
    expect((await axe.run(document.body, options)).violations.map((v) => v.id)).toEqual([]);
    client.reauthenticate.mockRejectedValueOnce(new ApiError('invalid_credentials', 401));
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}');
    await screen.findByRole('alert');
    expect((await axe.run(document.body, options)).violations.map((v) => v.id)).toEqual([]);
  });
});
