import type { AxiosResponse } from 'axios';
import type { AuthSnapshot } from './auth-state.ts';
import { ApiError, SessionExpiredError } from './errors.ts';
import { readSnapshot } from './snapshot.ts';
import { createStoredRefreshToken, type StoredRefreshToken } from './stored-token.ts';
import type { TenureClientOptions, TokenStorage } from './types.ts';

/** A sign-in or refresh answer: what to adopt, and how to keep what must outlive this process. */
export interface SignInAnswer {
  snapshot: AuthSnapshot;
  /**
   * Stores the body transport's refresh token. Resolves false when a sign-out or another
   * sign-in came first: the answer is stale and must not be adopted.
   */
  keep?: () => Promise<boolean>;
}

type Post = (body: object) => Promise<AxiosResponse<unknown>>;

/**
 * How the refresh token travels: in the browser's HttpOnly cookie, which this code never sees
 * (`cookie`), or in JSON bodies, kept in the app's storage (`body`, for Node and React Native).
 */
export interface TokenTransport {
  readonly kind: 'cookie' | 'body';
  /** A login/register response as an answer; a body-transport one without its token is refused. */
  signIn(response: AxiosResponse<unknown>, receivedAt: number): SignInAnswer;
  /**
   * `POST /refresh` through `post`. Rejects with `SessionExpiredError` (`invalid_refresh_token`)
   * when the body transport has no token: there is no session to ask the server about.
   */
  refresh(post: Post, now: () => number): Promise<SignInAnswer>;
  /** JSON body of `POST /logout`. */
  logoutBody(): Promise<object>;
  /** The session is over: forget its refresh token. Never rejects; undefined when there is nothing to forget. */
  forget(): Promise<void> | undefined;
  /** Is there anything to restore a session with? With cookies only the server can tell. */
  mayRestore(): Promise<boolean>;
}

const cookieTransport: TokenTransport = {
  kind: 'cookie',
  signIn: (response, receivedAt) => ({ snapshot: readSnapshot(response, receivedAt) }),
  // An empty JSON body: the token travels in its cookie. (A bodiless POST gets a form
  // Content-Type from axios in Node, which the server refuses with 415.)
  refresh: async (post, now) => ({ snapshot: readSnapshot(await post({}), now()) }),
  logoutBody: async () => ({}),
  forget: () => undefined,
  mayRestore: async () => true,
};

export function createTransport(
  options: Pick<TenureClientOptions, 'transport' | 'storage' | 'baseURL'>,
): TokenTransport {
  const kind = options.transport ?? 'cookie';
  if (kind === 'cookie') return cookieTransport;
  if (kind !== 'body')
    throw new TypeError(`transport: expected 'cookie' or 'body', got ${JSON.stringify(kind)}`);
  if (!isStorage(options.storage)) {
    throw new TypeError("transport 'body' needs storage: { get(), set(token), delete() }");
  }
  if (!isAbsoluteHttp(options.baseURL)) {
    // Without a page there is nothing a relative URL could be relative to.
    throw new TypeError(
      "transport 'body' needs an absolute http(s) baseURL, e.g. 'https://auth.example.com'",
    );
  }
  return bodyTransport(createStoredRefreshToken(options.storage));
}

function bodyTransport(stored: StoredRefreshToken): TokenTransport {
  return {
    kind: 'body',
    signIn(response, receivedAt) {
      const snapshot = readSnapshot(response, receivedAt);
      const refreshToken = bodyToken(response);
      return {
        snapshot,
        keep: async () => {
          await stored.set(refreshToken);
          return true;
        },
      };
    },
    async refresh(post, now) {
      const sent = await stored.get();
      if (sent === undefined) throw new SessionExpiredError('invalid_refresh_token');
      const response = await post({ refreshToken: sent });
      const snapshot = readSnapshot(response, now());
      const successor = bodyToken(response);
      return {
        snapshot,
        keep: () => stored.replace(sent, successor),
      };
    },
    async logoutBody() {
      const refreshToken = await stored.get();
      return refreshToken === undefined ? {} : { refreshToken };
    },
    // The session is over whether or not storage could forget its token; one left behind is
    // refused at the next restore, which then settles signed out.
    forget: () => stored.clear().catch(() => undefined),
    mayRestore: async () => (await stored.get()) !== undefined,
  };
}

/** The refresh token of a body-transport answer. */
function bodyToken(response: AxiosResponse<unknown>): string {
  const data = response.data as { refreshToken?: unknown } | null;
  const token = typeof data === 'object' && data !== null ? data.refreshToken : undefined;
  if (typeof token === 'string' && token !== '') return token;
  // The server answers in the body only to a request that does not look like a browser's.
  throw new ApiError('internal_error', response.status, {
    message:
      'No refresh token in the response body: the request carried Origin or Sec-Fetch-Site, ' +
      'or the server does not offer the body transport',
  });
}

function isStorage(value: unknown): value is TokenStorage {
  if (typeof value !== 'object' || value === null) return false;
  const storage = value as Record<string, unknown>;
  return (
    typeof storage.get === 'function' &&
    typeof storage.set === 'function' &&
    typeof storage.delete === 'function'
  );
}

function isAbsoluteHttp(url: string | undefined): boolean {
  try {
    const { protocol } = new URL(url ?? '');
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
