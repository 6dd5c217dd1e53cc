import { useMutation } from '@tanstack/react-query';
import { useSession, useTenureClient } from '@tenure/react';
import type { FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { safeReturnTo } from '../return-to.ts';
import { FormField, formValue } from './form-field.tsx';

/** /register — creates the account and signs in. */
export function RegisterPage() {
  const client = useTenureClient();
  const state = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const register = useMutation({
    mutationFn: (input: { name: string; email: string; password: string }) =>
      client.register(input.name ? input : { email: input.email, password: input.password }),
  });

  if (state.status === 'signedIn') return <Navigate to={returnTo} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    register.mutate({
      name: formValue(form, 'name').trim(),
      email: formValue(form, 'email'),
      password: formValue(form, 'password'),
    });
  };

  return (
    <main className="page page--auth">
      <h1>Create your account</h1>
      {register.isError && (
        <p className="notice notice--error" role="alert">
          {client.messageFor(register.error)}
        </p>
      )}
      <form className="form" onSubmit={submit} aria-label="Create account">
        <FormField label="Name" name="name" type="text" autoComplete="name" required={false} />
        <FormField label="Email" name="email" type="email" autoComplete="email" />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          hint="At least 8 characters."
        />
        <button type="submit" className="button button--primary" disabled={register.isPending}>
          Create account
        </button>
      </form>
      <p className="page__aside">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </main>
  );
}
