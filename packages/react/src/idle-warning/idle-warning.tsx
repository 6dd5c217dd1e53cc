import { useEffect, useId, useState } from 'react';
import { useSessionEvents } from '../hooks/use-session-events.ts';
import { useTenureContext } from '../hooks/use-tenure.ts';
import { formatCountdown } from '../time/format-duration.ts';

export interface IdleWarningProps {
  /** How often the countdown re-renders, in milliseconds. @default 250 */
  tickMs?: number;
}

/**
 * A non-blocking prompt shown on the client's `idleWarning` event: "You'll be signed out in
 * 0:59" with "Stay signed in" (which calls `client.extend()`). It never takes focus.
 */
export function IdleWarning({ tickMs = 250 }: IdleWarningProps) {
  const { client, clock } = useTenureContext();
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(clock);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const textId = useId();

  useSessionEvents((event) => {
    if (event.type === 'idleWarning') {
      setNow(clock());
      setDeadline(clock() + event.secondsLeft * 1000);
      setError(null);
    } else {
      // Refreshed (activity extended the session), signed out or expired: the warning is moot.
      setDeadline(null);
    }
  });

  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => {
      const current = clock();
      setNow(current);
      if (current >= deadline) setDeadline(null);
    }, tickMs);
    return () => clearInterval(timer);
  }, [deadline, clock, tickMs]);

  if (deadline === null) return null;

  const stay = async () => {
    try {
      await client.extend();
      setDeadline(null);
    } catch (failure) {
      setError(client.messageFor(failure));
    }
  };

  return (
    <div
      className="tenure-idle"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={titleId}
      aria-describedby={textId}
    >
      <p id={titleId} className="tenure-idle__title">
        Are you still there?
      </p>
      <p id={textId} className="tenure-idle__text">
        You&apos;ll be signed out in {formatCountdown((deadline - now) / 1000)}
      </p>
      {error && (
        <p role="alert" className="tenure-error-text">
          {error}
        </p>
      )}
      <button type="button" className="tenure-button tenure-button--primary" onClick={() => void stay()}>
        Stay signed in
      </button>
    </div>
  );
}
