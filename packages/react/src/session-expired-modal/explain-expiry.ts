import type { SessionEndCode } from '@tenure/client';

/** The modal's plain explanation, chosen by the server's error code. */
export function explainExpiry(code: SessionEndCode | null): string {
  switch (code) {
    case 'session_revoked':
      return 'This device was signed out from another session. Log in again to continue where you left off.';
    case 'refresh_token_reused':
      return 'We signed this device out to protect your account, because its sign-in was used somewhere else. Log in again to continue.';
    default:
      return 'You were signed out because you were inactive for a while or your session reached its time limit. Log in again to continue where you left off.';
  }
}
