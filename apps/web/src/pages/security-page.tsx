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
      {/* DB-IP's CC BY 4.0 licence asks pages that show its locations to credit it. */}
      <p className="attribution">
        <a href="https://db-ip.com">IP Geolocation by DB-IP</a>
      </p>
    </main>
  );
}
