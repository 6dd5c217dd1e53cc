import { useMutation } from '@tanstack/react-query';
import { messages, type PublicUser } from '@tenure/client';
import { useTenureClient } from '@tenure/react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useToasts } from '../toasts/toast-context.tsx';

/** Shown on every signed-in page: navigation and "Log out". */
export function AppHeader({ user }: { user: PublicUser }) {
  const client = useTenureClient();
  const navigate = useNavigate();
  const { showMessage } = useToasts();
  const logout = useMutation({
    mutationFn: () => client.logout(),
    onSuccess: () => navigate('/login', { replace: true }),
    // The server did not confirm: the user is still signed in here, so stay and say so.
    onError: () => showMessage(messages.signOutFailed),
  });

  return (
    <header className="app-header">
      <Link className="app-header__brand" to="/">
        Tenure
      </Link>
      <nav aria-label="Main">
        <NavLink to="/" end>
          Dashboard
        </NavLink>
        <NavLink to="/settings/security">Security</NavLink>
      </nav>
      <div className="app-header__user">
        <span className="app-header__email">{user.email}</span>
        <button type="button" className="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Log out
        </button>
      </div>
    </header>
  );
}
