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
  account_disabled: 'Account disabled by an administrator',
  account_enabled: 'Account enabled again by an administrator',
};

/** A readable line for an audit event; unknown types fall back to their words. */
export function describeEvent(event: SecurityEvent): string {
  const label = adminSignOut(event) ?? labels[event.type] ?? capitalise(event.type.replaceAll('_', ' '));
  const count = event.detail.revokedCount;
  return typeof count === 'number' ? `${label} (${count})` : label;
}

/** Sessions an operator ended read as such, not as the user's own revocation. */
function adminSignOut(event: SecurityEvent): string | undefined {
  if (event.detail.by !== 'admin') return undefined;
  if (event.type !== 'session_revoked' && event.type !== 'sessions_revoked_all') return undefined;
  return event.detail.reason === 'user_disabled'
    ? 'Signed out by an administrator: account disabled'
    : 'Signed out by an administrator';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
