import { SessionManagement } from '@tenure/react';
import { SecurityEvents } from '../security/security-events.tsx';

/** /settings/security — where you're signed in, and what happened to your account lately. */
export function SecurityPage() {
  return (
    <main className="page">
      <h1>Security</h1>
      <div className="panel">
        <SessionManagement />
      </div>
      <SecurityEvents />
    </main>
  );
}
