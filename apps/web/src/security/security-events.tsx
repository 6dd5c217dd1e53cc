import { useQuery } from '@tanstack/react-query';
import type { SecurityEvent } from '@tenure/client';
import { formatExactTime, formatRelativeTime, useTenureClient } from '@tenure/react';
import { useEffect } from 'react';
import { useToasts } from '../toasts/toast-context.tsx';
import { describeEvent } from './describe-event.ts';

/** The user's recent security events (GET /api/auth/security-events), newest first. */
export function SecurityEvents() {
  const client = useTenureClient();
  const { showError } = useToasts();
  const events = useQuery({ queryKey: ['security-events'], queryFn: () => client.listSecurityEvents() });

  useEffect(() => {
    if (events.error) showError(events.error);
  }, [events.error, showError]);

  return (
    <section className="panel" aria-labelledby="events-heading">
      <h2 id="events-heading">Recent security activity</h2>
      {events.isPending && <p aria-busy="true">Loading activity…</p>}
      {events.isError && (
        <div className="inline-error">
          <p>We couldn&apos;t load your recent activity.</p>
          <button type="button" className="button" onClick={() => void events.refetch()}>
            Try again
          </button>
        </div>
      )}
      {events.data && events.data.length === 0 && <p>No security activity yet.</p>}
      {events.data && events.data.length > 0 && <EventList events={events.data} />}
    </section>
  );
}

function EventList({ events }: { events: SecurityEvent[] }) {
  const now = Date.now();
  return (
    <ul className="events" data-testid="security-events">
      {events.map((event) => (
        <li key={event.id} className="events__item">
          <span className="events__type">{describeEvent(event)}</span>
          <span className="events__meta">
            <time dateTime={event.createdAt} title={formatExactTime(event.createdAt)}>
              {formatRelativeTime(event.createdAt, now)}
            </time>
            {event.ipAddress && <span> · {event.ipAddress}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
