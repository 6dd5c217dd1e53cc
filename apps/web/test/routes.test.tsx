import { NetworkError } from '@tenure/client';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { App, routes } from '../src/app.tsx';
import { createFakeClient, type FakeClient, signedInState } from './fake-client.ts';

function mount(client: FakeClient, path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(<App client={client} router={router} />);
  return { router, user: userEvent.setup() };
}

const where = (router: ReturnType<typeof createMemoryRouter>) =>
  `${router.state.location.pathname}${router.state.location.search}`;

describe('web app routes', () => {
  it('sends a signed-out visitor of a protected page to /login and back there after signing in', async () => {
    const client = createFakeClient({ status: 'signedOut', reason: 'none' });
    const { router, user } = mount(client, '/settings/security');
    await screen.findByRole('button', { name: 'Log in' });
    expect(where(router)).toBe('/login?returnTo=%2Fsettings%2Fsecurity');
    expect(screen.queryByText(/expired/)).toBeNull();

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(client.login).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'correct horse' });
    await waitFor(() => expect(router.state.location.pathname).toBe('/settings/security'));
    expect(await screen.findByRole('heading', { name: 'Active Sessions' })).toBeTruthy();
  });

  it('says "Your session has expired" on /login when the session ended before this page load', async () => {
    const client = createFakeClient({ status: 'signedOut', reason: 'expired' });
    mount(client, '/');
    expect(await screen.findByText('Your session has expired. Please log in again.')).toBeTruthy();
  });

  it('greets the signed-in user on the dashboard and offers "Log out"', async () => {
    const client = createFakeClient(signedInState);
    const { router, user } = mount(client, '/');
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Log out' }));
    expect(client.logout).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });

  it('when sign-out fails, "Log out" says so and keeps the user on the page, signed in', async () => {
    const client = createFakeClient(signedInState);
    client.logout = vi.fn(async () => {
      throw new NetworkError();
    });
    const { router, user } = mount(client, '/settings/security');
    await screen.findByRole('heading', { name: 'Active Sessions' });

    await user.click(screen.getByRole('button', { name: 'Log out' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Could not sign out. Please try again.');
    expect(router.state.location.pathname).toBe('/settings/security');
    expect(screen.getByRole('heading', { name: 'Active Sessions' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Log out' })).toBeTruthy();
  });

  it('keeps the page under the Session Expired modal, and "Log In Again" goes to /login with the flag and the way back', async () => {
    const client = createFakeClient(signedInState);
    const { router, user } = mount(client, '/settings/security');
    await screen.findByRole('heading', { name: 'Active Sessions' });

    act(() => {
      client.setState({ status: 'signedOut', reason: 'expired' });
      client.emit({ type: 'expired', code: 'session_revoked' });
    });
    expect(screen.getByRole('dialog', { name: 'Session Expired' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/settings/security');

    await user.click(screen.getByRole('button', { name: 'Log In Again' }));
    // The memory router does not move window.location; the modal reported the page it was shown on.
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toContain('expired=1');
    expect(await screen.findByText('Your session expired. Please log in again.')).toBeTruthy();
  });
});
