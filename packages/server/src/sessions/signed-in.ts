import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { RefreshCookie } from './refresh-cookie.ts';
import type { PublicUser, SignedInResponse } from './schemas.ts';
import type { IssuedSession, ReissuedSession } from './session-service.ts';

export type PolicyConfig = Pick<
  Config,
  'inactivityTimeoutMs' | 'activityCheckIntervalMs' | 'accessTokenTtlMs' | 'sessionExpiryMs'
>;

/**
 * How the refresh token travels in this answer. A refresh answers the way its token came: a token
 * from the HttpOnly cookie never leaves it, whatever the headers ask, so a page script cannot turn
 * the cookie into a bearer token usable elsewhere.
 */
export type TokenTransport = 'cookie' | 'body';

/**
 * A sign-in (login, register, `reply.startSession`) answers in the body only to a non-browser
 * client that asks with `X-Token-Transport: body`: a request carrying `Origin` or
 * `Sec-Fetch-Site` comes from a browser, whose page scripts must never see the token.
 */
export function signInTransport(request: FastifyRequest): TokenTransport {
  const fromBrowser = request.headers.origin !== undefined || request.headers['sec-fetch-site'] !== undefined;
  return !fromBrowser && request.headers['x-token-transport'] === 'body' ? 'body' : 'cookie';
}

/** The policy the client schedules by, so it never hard-codes a timeout. */
export function policyOf(config: PolicyConfig, sessionExpiresInMs: number) {
  return {
    inactivityTimeoutSeconds: config.inactivityTimeoutMs / 1000,
    activityCheckIntervalSeconds: config.activityCheckIntervalMs / 1000,
    accessTokenTtlSeconds: config.accessTokenTtlMs / 1000,
    sessionExpiresInSeconds: Math.max(0, Math.floor(sessionExpiresInMs / 1000)),
  };
}

/**
 * The sign-in body: tokens, user, session and policy; the refresh token only for body transport
 * and only when one was issued (a re-authentication leaves the refresh token as it is).
 */
export function signedInBody(input: {
  issued: IssuedSession | ReissuedSession;
  user: PublicUser;
  transport: TokenTransport;
  config: PolicyConfig;
  nowMs: number;
}): SignedInResponse {
  const { issued, nowMs } = input;
  const expiresAt = issued.session.expires_at;
  return {
    accessToken: issued.accessToken,
    accessTokenExpiresAt: issued.accessTokenExpiresAt.toISOString(),
    user: input.user,
    session: { id: issued.session.session_id, expiresAt: expiresAt.toISOString() },
    policy: policyOf(input.config, expiresAt.getTime() - nowMs),
    ...(input.transport === 'body' && 'refreshToken' in issued && { refreshToken: issued.refreshToken }),
  };
}

/** Sets the cookie or puts the token in the body, and sends the sign-in body. */
export function sendSignedIn(
  reply: FastifyReply,
  input: Parameters<typeof signedInBody>[0] & {
    issued: IssuedSession;
    status: number;
    cookie: RefreshCookie;
  },
) {
  const { issued, transport, cookie, nowMs } = input;
  if (transport === 'cookie') cookie.set(reply, issued.refreshToken, issued.session.expires_at, nowMs);
  return reply.status(input.status).send(signedInBody(input));
}

/** Who the user is, as far as this server knows (`email`/`name` only when it was told them). */
export type ProfileLookup = (userId: string) => Promise<PublicUser>;
