import { TenureError } from '../errors.ts';

/**
 * Where a reader of the revocation feed stands: after the row at (`position`, `sessionId`) in
 * (revoked_at, session_id) order. `position` is revoked_at to the microsecond, so paging never
 * lands between rows that share a millisecond. `floorMs` rides along while a reader pages
 * through one catch-up (see `RevocationFeed`). Clients treat the encoded form as opaque.
 */
export interface FeedCursor {
  position: string;
  sessionId: string;
  floorMs?: number;
}

/** Sorts before every real session id: a cursor "at a time" rather than at a row. */
export const NIL_SESSION_ID = '00000000-0000-0000-0000-000000000000';

// Cursors from a server whose clock runs a little ahead are fine; one from the far future is made up.
const MAX_FUTURE_MS = 60_000;
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The cursor at a point in time: everything revoked after it (to the microsecond) follows. */
export function cursorAt(timeMs: number, floorMs?: number): FeedCursor {
  const position = new Date(timeMs).toISOString().replace('Z', '000Z');
  return floorMs === undefined
    ? { position, sessionId: NIL_SESSION_ID }
    : { position, sessionId: NIL_SESSION_ID, floorMs };
}

export function encodeCursor(cursor: FeedCursor): string {
  const { position: p, sessionId: s, floorMs: f } = cursor;
  return Buffer.from(JSON.stringify(f === undefined ? { p, s } : { p, s, f })).toString('base64url');
}

/** Throws 400 `invalid_request` for anything this server could not have handed out. */
export function decodeCursor(encoded: string, nowMs: number): FeedCursor {
  const cursor = BASE64URL.test(encoded) ? parse(Buffer.from(encoded, 'base64url').toString('utf8')) : null;
  if (cursor === null) throw new TenureError('invalid_request', 'The cursor is not valid.');
  const latest = nowMs + MAX_FUTURE_MS;
  if (Date.parse(cursor.position) > latest || (cursor.floorMs ?? 0) > latest) {
    throw new TenureError('invalid_request', 'The cursor is not valid.');
  }
  return cursor;
}

function parse(json: string): FeedCursor | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { p, s, f, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof p !== 'string' || !POSITION.test(p) || !Number.isFinite(Date.parse(p))) return null;
  if (typeof s !== 'string' || !UUID.test(s)) return null;
  if (f === undefined) return { position: p, sessionId: s };
  if (typeof f !== 'number' || !Number.isSafeInteger(f) || f < 0) return null;
  return { position: p, sessionId: s, floorMs: f };
}
