import { messages, TenureClientError } from '@tenure/client';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Dialog } from '../dialog/dialog.tsx';
import { useSessionEvents } from '../hooks/use-session-events.ts';
import { useTenureClient } from '../hooks/use-tenure.ts';

export interface ReauthDialogProps {
  /** Told whenever the dialog opens or closes. */
  onOpenChange?: (open: boolean) => void;
}

/**
 * Mount once. Opens when the client emits `reauthRequired` (a sensitive action needs a recent
 * sign-in), asks for the password and confirms with `reauthenticate(password)`: the held request
 * then goes through. Cancel or Escape gives up (`cancelReauth()`), and the request fails.
 */
export function ReauthDialog({ onOpenChange }: ReauthDialogProps) {
  const client = useTenureClient();
  const [open, setOpenState] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const fieldId = useId();
  const errorId = useId();

  const setOpen = (next: boolean) => {
    setOpenState(next);
    setPassword('');
    setError(null);
    onOpenChange?.(next);
  };

  useSessionEvents((event) => {
    if (event.type === 'reauthRequired' && !open) setOpen(true);
    // Signed out or expired meanwhile: the client has already given up on the held requests.
    if ((event.type === 'expired' || event.type === 'signedOut') && open) setOpen(false);
  });

  const cancel = () => {
    if (busy) return;
    client.cancelReauth();
    setOpen(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || password === '') return;
    setBusy(true);
    setError(null);
    try {
      await client.reauthenticate(password);
      setOpen(false);
    } catch (failure) {
      setError(describeFailure(failure, client.messageFor));
      setPassword('');
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => !next && cancel()}
      labelledBy={titleId}
      describedBy={descriptionId}
      initialFocus={field}
      className="tenure-reauth"
    >
      <h2 id={titleId} className="tenure-dialog__title">
        Confirm it's you
      </h2>
      <p id={descriptionId} className="tenure-dialog__text">
        For your security, enter your password to continue.
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="tenure-field">
          <label htmlFor={fieldId} className="tenure-field__label">
            Password
          </label>
          <input
            ref={field}
            id={fieldId}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            className="tenure-field__input"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
          />
        </div>
        {error && (
          <p id={errorId} role="alert" className="tenure-error-text">
            {error}
          </p>
        )}
        <div className="tenure-dialog__actions">
          <button type="button" className="tenure-button" onClick={cancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className="tenure-button tenure-button--primary"
            disabled={busy || password === ''}
            aria-busy={busy}
          >
            Confirm
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function describeFailure(error: unknown, messageFor: (error: unknown) => string): string {
  if (error instanceof TenureClientError && error.code === 'invalid_credentials') {
    return messages.reauthInvalidPassword;
  }
  return messageFor(error);
}
