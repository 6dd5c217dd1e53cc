import type { DeviceType, refreshableCodes, sessionEndedCodes } from '@tenure/protocol';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';

/**
 * The public shapes of `@tenure/client`. `@tenure/react` and `apps/web` code against these
 * types only; all times are ISO 8601 strings in UTC, as the server sends them.
 */

export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
}

/** Timeouts the server enforces, learned from the login/refresh response (`policy`). */
export interface SessionPolicy {
  inactivityTimeoutSeconds: number;
  activityCheckIntervalSeconds: number;
  accessTokenTtlSeconds: number;
  sessionExpiresInSeconds: number;
}

export interface CurrentSession {
  id: string;
  expiresAt: string;
}

/** One row of `GET /api/auth/sessions`. */
export interface DeviceSession {
  id: string;
  deviceType: DeviceType;
  deviceName: string | null;
  browser: string | null;
  os: string | null;
  ipAddress: string | null;
  location: string | null;
  createdAt: string;
  lastActive: string;
  expiresAt: string;
  isCurrent: boolean;
}

/** One row of `GET /api/auth/security-events`. */
export interface SecurityEvent {
  id: string;
  type: string;
  sessionId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** Why the user is signed out: `expired` covers idle/absolute expiry, revocation and reuse. */
export type SignedOutReason = 'none' | 'expired' | 'signedOut';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signedIn'; user: PublicUser; session: CurrentSession; policy: SessionPolicy }
  | { status: 'signedOut'; reason: SignedOutReason };

/**
 * The server's code for why this session cannot go on: it ended (expired, idle, revoked, its
 * refresh token reused or unknown), or a fresh access token was still refused.
 */
export type SessionEndCode = (typeof sessionEndedCodes)[number] | (typeof refreshableCodes)[number];

export type SessionEvent =
  | { type: 'expired'; code: SessionEndCode }
  | { type: 'refreshed'; accessTokenExpiresAt: string }
  | { type: 'signedOut' }
  | { type: 'idleWarning'; secondsLeft: number }
  /**
   * A request was refused because the sign-in is too old for it (`reauth_required`). The session
   * is fine; the request is held until `reauthenticate(password)` / `confirmReauth()` (then it is
   * retried once) or `cancelReauth()` (then it rejects with `reauth_required`).
   */
  | { type: 'reauthRequired' };

export interface SessionEvents {
  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
}

/**
 * Where a client with `transport: 'body'` keeps the refresh token between runs: the Keychain or
 * Keystore (`expo-secure-store`), a file only the user can read, an OS credential vault. It is a
 * long-lived secret: whoever holds it can act as the user until the session ends.
 */
export interface TokenStorage {
  /** The stored refresh token; `null` or `undefined` when there is none. */
  get(): Promise<string | null | undefined>;
  /** Replace the stored token (after every sign-in and every refresh: tokens rotate). */
  set(token: string): Promise<void>;
  /** Forget the token (sign-out, or the session ended). */
  delete(): Promise<void>;
}

/**
 * User activity fed by the app where there is no DOM to listen to (React Native touches or
 * `AppState` turning `active`, a CLI's commands), for the activity monitor.
 */
export interface ActivitySource {
  /** Call `onActivity` whenever the user does something; return the function that stops that. */
  subscribe(onActivity: () => void): () => void;
}

export interface TenureClientOptions {
  /** Origin of the Tenure server. @default '' (same origin) */
  baseURL?: string;
  /**
   * Origins besides `baseURL`'s (`'https://api.example.com'`) whose requests through `api` get the
   * access token. Any other URL is a third party: no `Authorization` header, and its 401s never
   * trigger a refresh. A relative `baseURL` stands for the page's origin.
   * @default [] (only `baseURL`'s origin)
   */
  tokenOrigins?: string[];
  /** Refresh this many seconds before the access token expires. @default 30 */
  refreshLeewaySeconds?: number;
  /**
   * How the refresh token travels between the server and this client.
   * - `'cookie'`: in an HttpOnly cookie the browser keeps; this code never sees it. Tabs share
   *   refreshes and sign-outs, and the activity monitor listens to the page.
   * - `'body'`: for Node and React Native (no cookies, no DOM). Sign-in and refresh ask for the
   *   token in the JSON body (`X-Token-Transport: body`), the client keeps it in `storage` and
   *   sends it back in the body; `restore()` signs in again from `storage`. No tab sync, no DOM
   *   access; `baseURL` must be absolute.
   * @default 'cookie'
   */
  transport?: 'cookie' | 'body';
  /**
   * Keeps the refresh token for `transport: 'body'`, which requires it; unused with cookies.
   * @default undefined (none: the cookie transport needs no storage)
   */
  storage?: TokenStorage;
  /**
   * Run the activity monitor while signed in: refresh while the user is active, expire them
   * after the inactivity timeout, warn before. Its signals are the page's mouse, keyboard,
   * scroll and touch events, or `activity` when given; with neither (Node, React Native without
   * `activity`) there is no monitor.
   * @default true
   */
  monitorActivity?: boolean;
  /**
   * The activity monitor's signals where there is no DOM (React Native, Node). Given, it replaces
   * the page listeners.
   * @default undefined (the page's events in a browser, no monitor elsewhere)
   */
  activity?: ActivitySource;
  /** Show the idle warning this many seconds before the idle timeout. @default 60 */
  idleWarningSeconds?: number;
  /** Request timeout in milliseconds. @default 15000 */
  timeoutMs?: number;
  /**
   * axios adapter for every request the client makes (tests, custom transports such as a
   * cookie jar in Node). @default axios's own (XHR or fetch in browsers, http in Node)
   */
  adapter?: AxiosRequestConfig['adapter'];
}

export interface TenureClient {
  /**
   * axios instance for the application's own API calls: adds the token and refreshes on 401,
   * for URLs on `baseURL`'s origin or in `tokenOrigins` only.
   */
  readonly api: AxiosInstance;
  readonly sessionEvents: SessionEvents;
  getState(): AuthState;
  /** Store-style subscription for `useSyncExternalStore`. */
  subscribe(onChange: () => void): () => void;
  /**
   * Silent refresh on page load (with the cookie) or at start (with the token in `storage`);
   * settles signed out, without an event, when there is no session to restore.
   */
  restore(): Promise<AuthState>;
  /**
   * Signs in. With `transport: 'body'` it resolves once `storage` holds the refresh token, and
   * rejects with the storage's own error when it could not keep it.
   */
  login(input: { email: string; password: string }): Promise<void>;
  register(input: { email: string; password: string; name?: string }): Promise<void>;
  /**
   * Signs out on the server, then here and in the other tabs (`signedOut`). Resolves once the
   * server confirmed, or answered that the session had already ended. Otherwise (offline,
   * timeout, 5xx) it rejects with the client's typed error and changes nothing here: the user is
   * still signed in, with a session the server still honours, and may try again. With
   * `transport: 'body'` it sends the stored refresh token and then deletes it from `storage`.
   */
  logout(): Promise<void>;
  /** Keep the session alive now (the idle warning's "Stay signed in"). */
  extend(): Promise<void>;
  listSessions(): Promise<DeviceSession[]>;
  revokeSession(sessionId: string): Promise<void>;
  revokeAllOtherSessions(): Promise<number>;
  listSecurityEvents(): Promise<SecurityEvent[]>;
  /**
   * "Confirm it's you" with the password (`POST /api/auth/reauth`): stores the fresh access token
   * and retries the requests held since `reauthRequired`. A wrong password rejects with
   * `invalid_credentials` and keeps them held, so the user may try again.
   */
  reauthenticate(password: string): Promise<void>;
  /**
   * The app confirmed the person its own way (its endpoint answered with `reply.confirmAuth()`):
   * pass that endpoint's sign-in body to use its fresh access token, or nothing to fetch one with
   * a refresh. Then the held requests are retried once.
   */
  confirmReauth(signedIn?: unknown): Promise<void>;
  /** The person declined: every held request rejects with a `ReauthRequiredError`. */
  cancelReauth(): void;
  /** The user-facing text for any error thrown by the client. */
  messageFor(error: unknown): string;
  /** Remove every listener, timer and channel. */
  stop(): void;
}
