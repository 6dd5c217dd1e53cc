import type { VerifiedSession, Verifier } from './create-verifier.ts';
import { VerifyError } from './errors.ts';

/** What the middleware reads from a request (Express, Connect or plain `node:http`). */
export interface SessionRequest {
  headers: { authorization?: string | undefined };
  /** Set by `requireSession` before the next handler runs. */
  auth?: VerifiedSession;
}

/** What the middleware writes a refusal with (Node's `ServerResponse` has all of it). */
export interface SessionResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type SessionMiddleware = (
  req: SessionRequest,
  res: SessionResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express/Connect middleware: verifies `Authorization: Bearer <access token>`, sets `req.auth`,
 * and otherwise answers in Tenure's envelope `{"error":{"code","message"}}`: 401 with
 * `invalid_token` (also for a missing header), `token_expired` or `session_revoked`, or 503
 * `unavailable` with `Retry-After: 1`.
 */
export function requireSession(verifier: Pick<Verifier, 'verify'>): SessionMiddleware {
  return (req, res, next) => {
    const token = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      // No credentials at all: RFC 6750 asks for a bare challenge, without an error attribute.
      refuse(res, new VerifyError('invalid_token'), 'Bearer');
      return;
    }
    verifier
      .verify(token)
      .then(
        (session) => {
          req.auth = session;
          next();
        },
        (error: unknown) =>
          refuse(res, error instanceof VerifyError ? error : new VerifyError('unavailable')),
      )
      .catch(next);
  };
}

function refuse(res: SessionResponse, error: VerifyError, challenge = 'Bearer error="invalid_token"'): void {
  res.statusCode = error.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  if (error.status === 401) res.setHeader('www-authenticate', challenge);
  else res.setHeader('retry-after', '1');
  res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
}
