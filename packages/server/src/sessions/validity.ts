export type Validity = 'active' | 'revoked' | 'expired' | 'idle';

export interface ValiditySubject {
  is_revoked: boolean;
  expires_at: Date;
  last_active: Date;
}

/**
 * SPEC §3: a session is active when it is not revoked, now < expires_at and
 * now < last_active + inactivity timeout. `lastActiveMs` may be newer than the row when this
 * instance holds activity it has not written yet.
 */
export function sessionValidity(
  session: ValiditySubject,
  nowMs: number,
  inactivityTimeoutMs: number,
  lastActiveMs = session.last_active.getTime(),
): Validity {
  if (session.is_revoked) return 'revoked';
  if (nowMs >= session.expires_at.getTime()) return 'expired';
  if (nowMs >= lastActiveMs + inactivityTimeoutMs) return 'idle';
  return 'active';
}

export const validityError: Record<Exclude<Validity, 'active'>, 'session_revoked' | 'session_expired'> = {
  revoked: 'session_revoked',
  expired: 'session_expired',
  idle: 'session_expired',
};
