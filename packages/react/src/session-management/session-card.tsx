import type { DeviceSession } from '@tenure/client';
import { formatExactTime, formatRelativeTime } from '../time/relative-time.ts';
import { browserOnOs, describeSession, deviceName } from './describe-session.ts';
import { DeviceIcon } from './device-icon.tsx';

export interface SessionCardProps {
  session: DeviceSession;
  now: number;
  locale: string | undefined;
  onRevoke: (session: DeviceSession) => void;
}

export function SessionCard({ session, now, locale, onRevoke }: SessionCardProps) {
  return (
    <li className="tenure-card" data-testid="session-card" data-session-id={session.id}>
      <span className="tenure-card__icon">
        <DeviceIcon type={session.deviceType} />
      </span>
      <div className="tenure-card__body">
        <p className="tenure-card__title">
          <span className="tenure-card__device">{deviceName(session)}</span>
          {session.isCurrent && <span className="tenure-badge">Current</span>}
        </p>
        <p className="tenure-card__browser">{browserOnOs(session)}</p>
        <dl className="tenure-card__meta">
          <div>
            <dt>IP address</dt>
            <dd>{session.ipAddress ?? 'Unknown'}</dd>
          </div>
          <div>
            <dt>Location</dt>
            <dd>{session.location ?? 'Unknown location'}</dd>
          </div>
          <div>
            <dt>Last active</dt>
            <dd>
              <time dateTime={session.lastActive} title={formatExactTime(session.lastActive, locale)}>
                {formatRelativeTime(session.lastActive, now, locale)}
              </time>
            </dd>
          </div>
        </dl>
      </div>
      {!session.isCurrent && (
        <button
          type="button"
          className="tenure-button tenure-button--danger"
          aria-label={`Revoke ${describeSession(session)}`}
          onClick={() => onRevoke(session)}
        >
          Revoke
        </button>
      )}
    </li>
  );
}
