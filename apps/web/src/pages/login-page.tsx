import { useMutation } from '@tanstack/react-query';
import { messages } from '@tenure/client';
import { useSession, useTenureClient } from '@tenure/react';
import type { FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { safeReturnTo } from '../return-to.ts';
import { FormField, formValue } from './form-field.tsx';

/** /login — `?expired=1` comes from the Session Expired modal, `?returnTo=` is where to go after. */
export function LoginPage() {
  const client = useTenureClient();
  const state = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const login = useMutation({
    mutationFn: (input: { email: string; password: string }) => client.login(input),
  });

  if (state.status === 'signedIn') return <Navigate to={returnTo} replace />;

  // Arriving from the modal's "Log In Again", or the session ended before this page load.
  const notice =
    params.get('expired') === '1'
      ? messages.sessionExpiredLogin
      : state.status === 'signedOut' && state.reason === 'expired'
        ? messages.sessionExpired
        : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    login.mutate({ email: formValue(form, 'email'), password: formValue(form, 'password') });
  };

  const registerLink = returnTo === '/' ? '/register' : `/register?returnTo=${encodeURIComponent(returnTo)}`;
  return (
    <main className="page page--auth">
      <h1>Log in</h1>
      {notice && !login.isError && (
        <p className="notice notice--warning" role="status">
          {notice}
        </p>
      )}
      {login.isError && (
        <p className="notice notice--error" role="alert">
          {client.messageFor(login.error)}
        </p>
      )}
      <form className="form" onSubmit={submit} aria-label="Log in">
        <FormField label="Email" name="email" type="email" autoComplete="username" />
        <FormField label="Password" name="password" type="password" autoComplete="current-password" />
        <button type="submit" className="button button--primary" disabled={login.isPending}>
          Log in
        </button>
      </form>
      <p className="page__aside">
        New here? <Link to={registerLink}>Create an account</Link>
      </p>
    </main>
  );
}
