import axios, {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { SessionPolicy } from '../../src/types.ts';

/**
 * A fake Tenure server at axios's adapter seam: one browser's worth of state (the refresh
 * cookie is shared by every client — "tab" — that uses the same fake), the server's wire format,
 * and switches to make it misbehave. Every origin reaches it (routes match on the path), and
 * `seen` records which one a request went to. Time comes from `Date.now()`, so fake timers drive it.
 */
export interface Seen {
  method: string;
  /** `http://localhost:3000` (the test page's origin) unless the request named another. */
  origin: string;
  path: string;
  headers: AxiosHeaders;
  withCredentials: boolean;
  status: number;
}

type Reply = { status: number; data?: unknown; headers?: Record<string, string> } | 'network' | 'timeout';

export const defaultPolicy: SessionPolicy = {
  inactivityTimeoutSeconds: 900,
  activityCheckIntervalSeconds: 300,
  accessTokenTtlSeconds: 300,
  sessionExpiresInSeconds: 30 * 86_400,
};

export function createFakeServer(policy: SessionPolicy = defaultPolicy) {
  const seen: Seen[] = [];
  /** Requests as they arrive (before any reply), as "METHOD /path". */
  const arrived: string[] = [];
  const live = new Set<string>();
  const expired = new Set<string>();
  let cookie: 'none' | 'valid' | { ended: string } = 'none';
  let tokenSeq = 0;
  let refreshGate: Promise<void> | undefined;
  const overrides = new Map<string, Reply[]>();
  let everyRequest: Reply | undefined;

  let sessionExpiresAt = '';

  function issue(status: number, signIn: boolean): Reply {
    // Refreshing never moves the absolute expiry; a sign-in starts a new one.
    if (signIn || sessionExpiresAt === '') {
      sessionExpiresAt = new Date(Date.now() + policy.sessionExpiresInSeconds * 1000).toISOString();
    }
    cookie = 'valid';
    const accessToken = `at-${++tokenSeq}`;
    live.add(accessToken);
    return {
      status,
      data: {
        accessToken,
        accessTokenExpiresAt: new Date(Date.now() + policy.accessTokenTtlSeconds * 1000).toISOString(),
        user: { id: 'u-1', email: 'ada@example.com', name: 'Ada' },
        session: { id: 's-1', expiresAt: sessionExpiresAt },
        policy,
      },
    };
  }

  function error(status: number, code: string): Reply {
    return { status, data: { error: { code, message: code } } };
  }

  function authorize(headers: AxiosHeaders, ok: () => Reply): Reply {
    const token = String(headers.get('Authorization') ?? '').replace(/^Bearer /, '');
    if (typeof cookie === 'object' && cookie.ended === 'session_revoked')
      return error(401, 'session_revoked');
    if (expired.has(token)) return error(401, 'token_expired');
    if (!live.has(token)) return error(401, 'invalid_token');
    return ok();
  }

  async function route(method: string, path: string, headers: AxiosHeaders, body: unknown): Promise<Reply> {
    const key = `${method} ${path}`;
    const queued = overrides.get(key)?.shift();
    if (queued) return queued;
    if (everyRequest && !path.startsWith('/api/auth/refresh')) return everyRequest;
    switch (key) {
      case 'POST /api/auth/login':
        return isRecord(body) && body.password === 'wrong'
          ? error(401, 'invalid_credentials')
          : issue(200, true);
      case 'POST /api/auth/register':
        return issue(201, true);
      case 'POST /api/auth/refresh':
        if (refreshGate) await refreshGate;
        if (cookie === 'none') return error(401, 'invalid_refresh_token');
        if (typeof cookie === 'object') return error(401, cookie.ended);
        return issue(200, false);
      case 'POST /api/auth/logout':
        cookie = 'none';
        return { status: 204 };
      case 'GET /api/auth/sessions':
        return authorize(headers, () => ({
          status: 200,
          data: { sessions: [{ id: 's-1', isCurrent: true }] },
        }));
      case 'POST /api/auth/reauth':
        // Same session, fresh access token; the refresh cookie is left as it is.
        return authorize(headers, () =>
          isRecord(body) && body.password === 'wrong' ? error(401, 'invalid_credentials') : issue(200, false),
        );
      case 'POST /api/auth/sessions/revoke-all':
        return authorize(headers, () => ({ status: 200, data: { revokedCount: 2 } }));
      case 'GET /api/auth/security-events':
        return authorize(headers, () => ({ status: 200, data: { events: [{ id: 'e-1', type: 'login' }] } }));
      case 'GET /api/data':
        return authorize(headers, () => ({ status: 200, data: { ok: true } }));
      default:
        if (method === 'DELETE' && path.startsWith('/api/auth/sessions/')) {
          return authorize(headers, () => {
            if (path.endsWith('/s-1')) cookie = 'none';
            return { status: 204 };
          });
        }
        return error(404, 'not_found');
    }
  }

  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    // Where axios sends it: baseURL + url, an absolute url winning; relative to the test page.
    const url = new URL(axios.getUri(config), 'http://localhost:3000');
    const method = (config.method ?? 'get').toUpperCase();
    const headers = AxiosHeaders.from(config.headers);
    const body: unknown = typeof config.data === 'string' ? JSON.parse(config.data) : config.data;
    arrived.push(`${method} ${url.pathname}`);
    const reply = await route(method, url.pathname, headers, body);
    const record = (status: number) =>
      seen.push({
        method,
        origin: url.origin,
        path: url.pathname,
        headers,
        withCredentials: config.withCredentials === true,
        status,
      });
    if (reply === 'network') {
      record(0);
      throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {});
    }
    if (reply === 'timeout') {
      // What axios's own adapters do when `timeout` elapses.
      await new Promise((resolve) => setTimeout(resolve, config.timeout ?? 0));
      record(0);
      const code = config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
      throw new AxiosError(`timeout of ${config.timeout}ms exceeded`, code, config, {});
    }
    record(reply.status);
    const response: AxiosResponse = {
      data: reply.data ?? '',
      status: reply.status,
      statusText: String(reply.status),
      headers: new AxiosHeaders(reply.headers ?? {}),
      config,
      request: {},
    };
    if (reply.status >= 200 && reply.status < 300) return response;
    const code = reply.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
    throw new AxiosError(`Request failed with status code ${reply.status}`, code, config, {}, response);
  };

  return {
    adapter,
    seen,
    arrived,
    count: (method: string, path: string) =>
      seen.filter((s) => s.method === method && s.path === path).length,
    refreshes: () => seen.filter((s) => s.path === '/api/auth/refresh').length,
    /** Pretend the browser holds a valid refresh cookie (a session from an earlier page load). */
    haveSession() {
      cookie = 'valid';
    },
    /** Every access token issued so far is now past its `exp`. */
    expireAccessTokens() {
      for (const token of live) expired.add(token);
      live.clear();
    },
    /** The session ends on the server: refresh answers 401 `code`; with `session_revoked`, so do API calls. */
    endSession(code: string) {
      cookie = { ended: code };
    },
    /** Replies for the next calls of one endpoint, in order, before normal behaviour resumes. */
    queue(method: string, path: string, ...replies: Reply[]) {
      overrides.set(`${method} ${path}`, [...(overrides.get(`${method} ${path}`) ?? []), ...replies]);
    },
    /** Every request except /refresh gets this reply (e.g. a server that refuses every token). */
    replyToEverything(reply: Reply | undefined) {
      everyRequest = reply;
    },
    /** Refresh requests wait until the returned function is called. */
    holdRefresh(): () => void {
      let release = () => {};
      refreshGate = new Promise<void>((resolve) => {
        release = () => {
          refreshGate = undefined;
          resolve();
        };
      });
      return release;
    },
    error,
  };
}

export type FakeServer = ReturnType<typeof createFakeServer>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
