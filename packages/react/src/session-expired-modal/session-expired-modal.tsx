import type { SessionEndCode } from '@tenure/client';
import { useId, useRef, useState } from 'react';
import { Dialog } from '../dialog/dialog.tsx';
import { useLastPolicy } from '../hooks/use-last-policy.ts';
import { useSession } from '../hooks/use-session.ts';
import { useSessionEvents } from '../hooks/use-session-events.ts';
import { formatDuration } from '../time/format-duration.ts';
import { explainExpiry } from './explain-expiry.ts';
import { WarningIcon } from './warning-icon.tsx';

export interface SessionExpiredModalProps {
  /**
   * "Log In Again": navigate to the login page with a session-expired flag, e.g.
   * `navigate('/login?expired=1&returnTo=' + encodeURIComponent(returnTo))`.
   */
  onLogIn: (target: { returnTo: string }) => void;
  /** Told whenever the modal opens or closes (for example to keep a signed-out page in place). */
  onOpenChange?: (open: boolean) => void;
  /** The page to come back to after signing in. @default location.pathname + search + hash */
  getReturnTo?: () => string;
  /** Idle timeout shown in the tip. @default the server's policy, else 15 minutes */
  inactivityTimeoutSeconds?: number;
}

const DEFAULT_INACTIVITY_SECONDS = 15 * 60;

function currentPath(): string {
  if (typeof window === 'undefined') return '/';
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

/**
 * Mount once. Opens when the client emits `expired` after the user had been signed in (a
 * failed silent restore on page load signs the user out without it).
 */
export function SessionExpiredModal({
  onLogIn,
  onOpenChange,
  getReturnTo = currentPath,
  inactivityTimeoutSeconds,
}: SessionExpiredModalProps) {
  const state = useSession();
  const policy = useLastPolicy();
  const wasSignedIn = useRef(false);
  if (state.status === 'signedIn') wasSignedIn.current = true;
  const [expiredCode, setExpiredCode] = useState<SessionEndCode | null>(null);
  const logIn = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  const setOpen = (code: SessionEndCode | null) => {
    setExpiredCode(code);
    onOpenChange?.(code !== null);
  };

  useSessionEvents((event) => {
    if (event.type === 'expired' && wasSignedIn.current && expiredCode === null) {
      wasSignedIn.current = false;
      setOpen(event.code);
    }
    if (event.type === 'refreshed' && expiredCode !== null) setOpen(null);
  });

  const timeout = formatDuration(
    inactivityTimeoutSeconds ?? policy?.inactivityTimeoutSeconds ?? DEFAULT_INACTIVITY_SECONDS,
  );

  return (
    <Dialog
      open={expiredCode !== null}
      onOpenChange={(open) => setOpen(open ? expiredCode : null)}
      labelledBy={titleId}
      describedBy={descriptionId}
      initialFocus={logIn}
      className="tenure-expired"
    >
      <div className="tenure-expired__icon">
        <WarningIcon />
      </div>
      <h2 id={titleId} className="tenure-dialog__title">
        Session Expired
      </h2>
      <p id={descriptionId} className="tenure-dialog__text">
        {explainExpiry(expiredCode)}
      </p>
      <div className="tenure-dialog__actions">
        <button
          ref={logIn}
          type="button"
          className="tenure-button tenure-button--primary"
          onClick={() => {
            const returnTo = getReturnTo();
            setOpen(null);
            onLogIn({ returnTo });
          }}
        >
          Log In Again
        </button>
        <button type="button" className="tenure-button" onClick={() => setOpen(null)}>
          Close
        </button>
      </div>
      <p className="tenure-dialog__tip">
        Tip: for your security, sessions end after {timeout} of inactivity.
      </p>
    </Dialog>
  );
}
