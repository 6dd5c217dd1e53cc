import { useQueryClient } from '@tanstack/react-query';
import { IdleWarning, ReauthDialog, SessionExpiredModal, useSession } from '@tenure/react';
import { useEffect } from 'react';
import { Outlet, useNavigate } from 'react-router';
import { AuthHistoryProvider } from '../auth/auth-history.tsx';
import { loginPath } from '../return-to.ts';
import { ToastProvider } from '../toasts/toast-context.tsx';
import { AppHeader } from './app-header.tsx';

/** Wraps every route: header, toasts, and the app-wide session UI (mounted once). */
export function RootLayout() {
  const state = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  // Cached server state belongs to the user who fetched it.
  useEffect(() => {
    if (state.status === 'signedOut') queryClient.clear();
  }, [state.status, queryClient]);

  return (
    <AuthHistoryProvider>
      <ToastProvider>
        {state.status === 'signedIn' && <AppHeader user={state.user} />}
        <Outlet />
        <SessionExpiredModal onLogIn={({ returnTo }) => navigate(loginPath({ expired: true, returnTo }))} />
        <IdleWarning />
        <ReauthDialog />
      </ToastProvider>
    </AuthHistoryProvider>
  );
}
