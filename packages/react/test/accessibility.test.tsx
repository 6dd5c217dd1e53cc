import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { IdleWarning, SessionExpiredModal, SessionManagement } from '../src/index.ts';
import { createFakeClient, deviceSession } from './fake-client.ts';
import { renderWithClient } from './render.tsx';

// Layout-dependent rules cannot be judged without a rendering engine; the browser run covers them.
const options: axe.RunOptions = { rules: { 'color-contrast': { enabled: false } } };

async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, options);
  return result.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help}`);
}

describe('accessibility (axe-core)', () => {
  it('the open Session Expired modal has no violations', async () => {
    const client = createFakeClient();
    renderWithClient(
      <main>
        <h1>Dashboard</h1>
        <SessionExpiredModal onLogIn={() => {}} />
      </main>,
      client,
    );
    act(() => {
      client.setState({ status: 'signedOut', reason: 'expired' });
      client.emit({ type: 'expired', code: 'session_expired' });
    });
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(await violations()).toEqual([]);
  });

  it('the sessions panel, its confirmation and the idle warning have no violations', async () => {
    const client = createFakeClient(undefined, [
      deviceSession({ id: 'a', isCurrent: true }),
      deviceSession({
        id: 'b',
        deviceType: 'mobile',
        deviceName: 'Pixel 8',
        browser: 'Chrome 121',
        os: 'Android 14',
      }),
    ]);
    renderWithClient(
      <main>
        <h1>Security</h1>
        <SessionManagement />
        <IdleWarning />
      </main>,
      client,
    );
    await screen.findAllByTestId('session-card');
    act(() => client.emit({ type: 'idleWarning', secondsLeft: 60 }));
    expect(await violations()).toEqual([]);

    await userEvent.setup().click(screen.getByRole('button', { name: /Revoke Chrome 121/ }));
    expect(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' })).toBeTruthy();
    expect(await violations()).toEqual([]);
  });
});
