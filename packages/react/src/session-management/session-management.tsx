import type { DeviceSession } from '@tenure/client';
import { useId, useRef, useState } from 'react';
import { useNow } from '../hooks/use-now.ts';
import { useSessions } from '../hooks/use-sessions.ts';
import { useTenureContext } from '../hooks/use-tenure.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { describeSession } from './describe-session.ts';
import { SecurityTips } from './security-tips.tsx';
import { SessionCard } from './session-card.tsx';
import { SessionList } from './session-list.tsx';

type Pending = { kind: 'one'; session: DeviceSession } | { kind: 'all'; count: number } | null;

/** Settings → Security: the user's active sessions, with revoke and revoke-all. */
export function SessionManagement() {
  const { client, locale } = useTenureContext();
  const sessions = useSessions();
  const now = useNow();
  const [pending, setPending] = useState<Pending>(null);
  const [announcement, setAnnouncement] = useState('');
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const others = sessions.sessions.filter((session) => !session.isCurrent);

  const confirmRevoke = async () => {
    if (pending?.kind === 'one') {
      await sessions.revoke(pending.session.id);
      setAnnouncement(`${describeSession(pending.session)} was signed out.`);
    } else if (pending?.kind === 'all') {
      const count = await sessions.revokeAllOthers();
      setAnnouncement(`${count} other ${count === 1 ? 'session was' : 'sessions were'} signed out.`);
    }
  };

  return (
    <section className="tenure-sessions" aria-labelledby={headingId}>
      <header className="tenure-sessions__header">
        <div>
          <h2 id={headingId} ref={heading} tabIndex={-1} className="tenure-sessions__title">
            Active Sessions
          </h2>
          <p className="tenure-sessions__subtitle">
            These are the devices signed in to your account. Revoke any session you don&apos;t recognise.
          </p>
        </div>
        <button
          type="button"
          className="tenure-button tenure-button--danger-outline"
          disabled={others.length === 0}
          onClick={() => setPending({ kind: 'all', count: others.length })}
        >
          Revoke all other sessions
        </button>
      </header>

      <SessionList
        snapshot={sessions}
        onRetry={() => void sessions.reload()}
        describeError={(error) => client.messageFor(error)}
        renderSession={(session) => (
          <SessionCard
            key={session.id}
            session={session}
            now={now}
            locale={locale}
            onRevoke={(target) => setPending({ kind: 'one', session: target })}
          />
        )}
      />

      <p role="status" className="tenure-visually-hidden">
        {announcement}
      </p>

      <SecurityTips />

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'all' ? 'Revoke all other sessions?' : 'Revoke this session?'}
        description={confirmText(pending)}
        confirmLabel="Revoke"
        onConfirm={confirmRevoke}
        onClose={() => setPending(null)}
        describeError={(error) => client.messageFor(error)}
        finalFocus={heading}
      />
    </section>
  );
}

function confirmText(pending: Pending): string {
  if (pending?.kind === 'one') {
    return `${describeSession(pending.session)} will be signed out right away. Anyone using it will have to log in again.`;
  }
  if (pending?.kind === 'all') {
    const sessions = pending.count === 1 ? '1 other session' : `${pending.count} other sessions`;
    return `${sessions} will be signed out right away. Only this device stays signed in.`;
  }
  return '';
}
