import type { SecurityEvent } from '@tenure/client';

const labels: Record<string, string> = {
  login_success: 'Signed in',
  login_failure: 'Failed sign-in attempt',
  logout: 'Signed out',
  refresh_failure: 'A session could not be renewed',
  refresh_token_reused: 'Suspicious reuse of a sign-in; that session was ended',
  session_revoked: 'A session was revoked',
  sessions_revoked_all: 'All other sessions were revoked',
  session_limit: 'Oldest session signed out (too many sessions)',
  new_device: 'Sign-in from a new device',
  new_location: 'Sign-in from a new location',
  password_changed: 'Password changed',
  rate_limited: 'Too many sign-in attempts',
  csrf_rejected: 'Blocked a request from another website',
  account_locked: 'Account temporarily locked',
};

/** A readable line for an audit event; unknown types fall back to their words. */
export function describeEvent(event: SecurityEvent): string {
  const label = labels[event.type] ?? capitalise(event.type.replaceAll('_', ' '));
  const count = event.detail.revokedCount;
  return typeof count === 'number' ? `${label} (${count})` : label;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
