import { useSession } from '@tenure/react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { loginPath } from '../return-to.ts';
import { useExpiredInPlace } from './auth-history.tsx';

/** Protected routes: signed-out visitors go to /login and come back here afterwards. */
export function RequireAuth() {
  const state = useSession();
  const expiredInPlace = useExpiredInPlace();
  const location = useLocation();
  const here = `${location.pathname}${location.search}${location.hash}`;

  if (state.status === 'loading') {
    return (
      <main className="page page--center" aria-busy="true">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (state.status === 'signedIn') return <Outlet />;
  if (expiredInPlace) {
    // The modal is (or was) shown over this page; after "Close" this is what remains.
    return (
      <main className="page page--center">
        <h1>You&apos;re signed out</h1>
        <p>Your session has ended. Log in again to continue where you left off.</p>
        <Link className="button button--primary" to={loginPath({ expired: true, returnTo: here })}>
          Log in again
        </Link>
      </main>
    );
  }
  return <Navigate to={loginPath({ returnTo: here })} replace />;
}
