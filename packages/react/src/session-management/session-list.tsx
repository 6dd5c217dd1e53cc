import type { DeviceSession } from '@tenure/client';
import type { ReactNode } from 'react';
import type { SessionsSnapshot } from '../hooks/sessions-store.ts';

export interface SessionListProps {
  snapshot: SessionsSnapshot;
  onRetry: () => void;
  describeError: (error: unknown) => string;
  renderSession: (session: DeviceSession) => ReactNode;
}

/** The list with its loading skeleton, error state (with retry) and empty state. */
export function SessionList({ snapshot, onRetry, describeError, renderSession }: SessionListProps) {
  const { status, sessions, error, isFetching } = snapshot;

  if (status === 'idle' || status === 'loading') {
    return (
      <div className="tenure-sessions__list" aria-busy="true" data-testid="sessions-loading">
        <p role="status" className="tenure-visually-hidden">
          Loading sessions…
        </p>
        {[0, 1, 2].map((index) => (
          <div key={index} className="tenure-card tenure-card--skeleton" aria-hidden="true">
            <span className="tenure-skeleton tenure-skeleton--icon" />
            <span className="tenure-skeleton tenure-skeleton--lines" />
          </div>
        ))}
      </div>
    );
  }

  if (status === 'error' && sessions.length === 0) {
    return (
      <div className="tenure-state tenure-state--error" role="alert">
        <p className="tenure-state__title">We couldn&apos;t load your sessions.</p>
        <p className="tenure-state__text">{describeError(error)}</p>
        <button type="button" className="tenure-button" onClick={onRetry} disabled={isFetching}>
          Try again
        </button>
      </div>
    );
  }

  if (sessions.length === 0) {
    return (
      <div className="tenure-state">
        <p className="tenure-state__title">No active sessions</p>
        <p className="tenure-state__text">When you sign in on a device, it will show up here.</p>
      </div>
    );
  }

  return (
    <ul className="tenure-sessions__list" aria-label="Signed-in devices" aria-busy={isFetching}>
      {sessions.map(renderSession)}
    </ul>
  );
}
