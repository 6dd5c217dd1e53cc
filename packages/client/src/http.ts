import axios, {
  type AxiosInstance,
  type AxiosRequestConfig,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import { ReauthRequiredError, SessionExpiredError } from './errors.ts';
import type { RequestScope } from './origins.ts';
import type { ReauthOutcome } from './reauth.ts';
import type { SessionEndCode } from './types.ts';
import { errorCodeOf, isRefreshableCode, isSessionEndedCode } from './wire.ts';

declare module 'axios' {
  interface InternalAxiosRequestConfig {
    /** Set by Tenure on the one retry after a refresh; a second 401 must not refresh again. */
    tenureRetried?: boolean;
    /** The access token Tenure attached, to tell whether someone refreshed since it was sent. */
    tenureToken?: string;
    /** Set on the one retry after the person confirmed it's them; a second refusal is final. */
    tenureReauthRetried?: boolean;
  }
}

/** The server's CSRF check requires this non-safelisted header on every /api/auth request. */
const CSRF_HEADER = { 'X-Requested-With': 'tenure' } as const;

/** Asks sign-in and refresh to hand the refresh token over in the JSON body instead of a cookie. */
const BODY_TRANSPORT_HEADER = { 'X-Token-Transport': 'body' } as const;

/** What makes a request a browser's to the server, which then never answers with the token in the body. */
const BROWSER_HEADERS = ['Origin', 'Sec-Fetch-Site'] as const;

export interface HttpOptions {
  baseURL: string;
  timeoutMs: number;
  adapter: AxiosRequestConfig['adapter'];
  scope: RequestScope;
  transport: 'cookie' | 'body';
}

export interface Instances {
  /** `/api/auth` without the token and refresh interceptors: login, register, refresh, logout. */
  bare: AxiosInstance;
  /** `/api/auth` with the token and refresh interceptors: me, sessions, security events. */
  auth: AxiosInstance;
  /** The application's own API (`baseURL`), with the same interceptors. */
  api: AxiosInstance;
}

export function createInstances(options: HttpOptions): Instances {
  const common: AxiosRequestConfig = {
    timeout: options.timeoutMs,
    // Timeouts come back as ETIMEDOUT rather than ECONNABORTED, which aborts also use.
    transitional: { clarifyTimeoutError: true },
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
  };
  const authBase = `${options.baseURL.replace(/\/+$/, '')}/api/auth`;
  const body = options.transport === 'body';
  const authConfig: AxiosRequestConfig = {
    ...common,
    baseURL: authBase,
    // Cookie transport: the refresh token is an HttpOnly cookie the browser must send
    // cross-origin too. Body transport: no cookie is relied on.
    withCredentials: !body,
    headers: { ...CSRF_HEADER },
  };
  const api = axios.create({ ...common, baseURL: options.baseURL });
  // Calls to Tenure's own endpoints through `api` pass the CSRF check too; other URLs are left alone.
  api.interceptors.request.use((config) => {
    const url = requestUrl(api, config);
    if (url !== undefined && options.scope.isTenureAuth(url)) config.headers.set(CSRF_HEADER);
    return config;
  });
  const bare = axios.create(
    body ? { ...authConfig, headers: { ...CSRF_HEADER, ...BODY_TRANSPORT_HEADER } } : authConfig,
  );
  if (body) {
    // Neither Node nor React Native adds these, but a default header set on the global axios
    // would reach us through `axios.create` and make the server keep the token in a cookie.
    bare.interceptors.request.use((config) => {
      for (const name of BROWSER_HEADERS) config.headers.delete(name);
      return config;
    });
  }
  return { bare, auth: axios.create(authConfig), api };
}

/** Where axios will send the request: `baseURL` + `url`, an absolute `url` winning. */
function requestUrl(instance: AxiosInstance, config: InternalAxiosRequestConfig): string | undefined {
  try {
    return instance.getUri(config);
  } catch {
    return undefined; // a URL axios refuses too
  }
}

export interface AuthHooks {
  /** The token to send, after waiting for page-load restore and refreshing it if it is about to expire. */
  tokenForRequest(): Promise<string | undefined>;
  currentToken(): string | undefined;
  /** May we try a refresh for this 401? (Not when nobody is signed in.) */
  canRefresh(): boolean;
  refresh(): Promise<void>;
  /** The session is over (revoked, idle, or still refused after a refresh). */
  sessionEnded(code: SessionEndCode): SessionExpiredError | Promise<SessionExpiredError>;
  /** The sign-in is too old for this request: wait for the app to confirm or cancel. */
  reauthRequired(): Promise<ReauthOutcome>;
}

/**
 * Adds `Authorization: Bearer`, and on a 401 `token_expired`/`invalid_token` refreshes once and
 * retries once — for requests whose URL `carriesToken` accepts. Any other request goes out
 * untouched, and its 401s are passed on as they are.
 */
export function installAuthInterceptors(
  instance: AxiosInstance,
  hooks: AuthHooks,
  carriesToken: (url: string) => boolean,
): () => void {
  const request = instance.interceptors.request.use(async (config) => {
    // Not the Tenure server's or an allowed origin: the token is a bearer secret, it stays here.
    const url = requestUrl(instance, config);
    if (url === undefined || !carriesToken(url)) return config;
    // A request that carries its own Authorization header is not ours to manage.
    if (config.tenureToken === undefined && config.headers.has('Authorization')) return config;
    const token = await hooks.tokenForRequest();
    if (token === undefined) config.headers.delete('Authorization');
    else config.headers.set('Authorization', `Bearer ${token}`);
    config.tenureToken = token ?? '';
    return config;
  });

  const response = instance.interceptors.response.use(undefined, async (error: unknown) => {
    if (!isAxiosError(error) || error.response?.status !== 401 || !error.config) throw error;
    const config = error.config;
    if (config.tenureToken === undefined) throw error;
    const code = errorCodeOf(error);
    // The session is fine, the sign-in too old for this action: hold the request until the
    // person confirms it's them, then retry it once — never the session-expired flow.
    if (code === 'reauth_required') {
      if (config.tenureReauthRetried || (await hooks.reauthRequired()) === 'cancelled') {
        throw new ReauthRequiredError({ cause: error });
      }
      const retry: InternalAxiosRequestConfig = { ...config, tenureReauthRetried: true };
      return instance.request(retry);
    }
    // Revoked or ended sessions cannot be refreshed: straight to the expired flow.
    if (isSessionEndedCode(code)) throw await hooks.sessionEnded(code);
    // Only these two codes mean "new token please"; any other 401 belongs to the application.
    if (!isRefreshableCode(code)) throw error;
    // Refused even with a token fresh from a refresh: do not loop, the session is unusable.
    if (config.tenureRetried) throw await hooks.sessionEnded(code);
    if (!hooks.canRefresh()) throw new SessionExpiredError(code, { cause: error });
    // If the token changed since this request left (a concurrent refresh here or in another
    // tab), the retry uses the new one without refreshing again.
    if (config.tenureToken === '' || config.tenureToken === hooks.currentToken()) await hooks.refresh();
    const retry: InternalAxiosRequestConfig = { ...config, tenureRetried: true };
    return instance.request(retry);
  });

  return () => {
    instance.interceptors.request.eject(request);
    instance.interceptors.response.eject(response);
  };
}
