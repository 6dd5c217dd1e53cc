import type { SessionRow } from '../db/schema.ts';
import type { PublicSession } from './schemas.ts';

/** The only way a session leaves the server: no hashes, no generation, no user agent. */
export function toPublicSession(row: SessionRow, currentSessionId: string): PublicSession {
  return {
    id: row.session_id,
    deviceType: row.device_type,
    deviceName: row.device_name,
    browser: row.browser,
    os: row.os,
    ipAddress: row.ip_address,
    location: row.location,
    createdAt: row.created_at.toISOString(),
    lastActive: row.last_active.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    isCurrent: row.session_id === currentSessionId,
  };
}
