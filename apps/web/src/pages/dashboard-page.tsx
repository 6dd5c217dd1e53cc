import { useQuery } from '@tanstack/react-query';
import { formatExactTime, useSession, useTenureClient } from '@tenure/react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useToasts } from '../toasts/toast-context.tsx';

interface MeResponse {
  user: { id: string; email: string; name: string | null };
  session?: { id: string; expiresAt: string };
}

/** / — the signed-in home. Loads `/me` through the client's axios instance (token + refresh). */
export function DashboardPage() {
  const client = useTenureClient();
  const state = useSession();
  const { showError } = useToasts();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => (await client.api.get<MeResponse>('/api/auth/me')).data,
  });

  useEffect(() => {
    if (me.error) showError(me.error);
  }, [me.error, showError]);

  if (state.status !== 'signedIn') return null;
  const expiresAt = me.data?.session?.expiresAt;
  const name = state.user.name ?? state.user.email;
  return (
    <main className="page">
      <h1>Welcome, {name}</h1>
      <p className="page__lead">You are signed in as {state.user.email}.</p>
      <section className="panel" aria-labelledby="session-heading">
        <h2 id="session-heading">This session</h2>
        {expiresAt ? (
          <p>
            Your session ends on <time dateTime={expiresAt}>{formatExactTime(expiresAt)}</time> at the latest,
            or sooner after a period of inactivity.
          </p>
        ) : (
          <p aria-busy={me.isPending}>{me.isPending ? 'Loading…' : 'Session details are unavailable.'}</p>
        )}
        <p>
          <Link to="/settings/security">See where you&apos;re signed in</Link>
        </p>
      </section>
    </main>
  );
}
