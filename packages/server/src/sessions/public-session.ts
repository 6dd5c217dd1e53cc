import type { DeviceType } from '@tenure/protocol';
import type { SessionRow } from '../db/schema.ts';
import type { SessionFacts } from './outcomes.ts';
import type { PublicSession } from './schemas.ts';
import type { EndedRow } from './session-repository.ts';

type DeviceColumns = Pick<
  EndedRow,
  'device_type' | 'device_name' | 'browser' | 'os' | 'ip_address' | 'location'
>;

/** Where a session was signed in, as people read it. */
function deviceOf(row: DeviceColumns) {
  return {
    deviceType: row.device_type as DeviceType,
    deviceName: row.device_name,
    browser: row.browser,
    os: row.os,
    ipAddress: row.ip_address,
    location: row.location,
  };
}

/** The only way a session leaves the server: no hashes, no generation, no user agent. */
export function toPublicSession(row: SessionRow, currentSessionId: string): PublicSession {
  return {
    id: row.session_id,
    ...deviceOf(row),
    createdAt: row.created_at.toISOString(),
    lastActive: row.last_active.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    isCurrent: row.session_id === currentSessionId,
  };
}

/** What outcome listeners learn about a session. */
export function toFacts(row: EndedRow): SessionFacts {
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    ...deviceOf(row),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
