import axios, { type AxiosAdapter, AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import type { TokenStorage } from '../../src/types.ts';
import { createFakeServer } from './fake-server.ts';

/**
 * The fake server with the body transport on top: a sign-in that asks with
 * `X-Token-Transport: body` (and carries no Origin / Sec-Fetch-Site) gets `refreshToken` in its
 * body, and `POST /refresh` takes `{ refreshToken }`, rotating it. The session's life (ended,
 * revoked, signed out) is still the fake server's.
 */
export function createBodyServer(...args: Parameters<typeof createFakeServer>) {
  const server = createFakeServer(...args);
  let current: string | undefined;
  let seq = 0;
  let gate: Promise<void> | undefined;
  let offersBody = true;
  /** The JSON body of every refresh and logout request, in order. */
  const bodies: { path: string; body: unknown }[] = [];

  const issue = () => {
    current = `rt-${++seq}`;
    return current;
  };

  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const path = new URL(axios.getUri(config), 'http://localhost:3000').pathname.replace(/^\/api\/auth/, '');
    const body: unknown = typeof config.data === 'string' ? JSON.parse(config.data) : config.data;
    const headers = AxiosHeaders.from(config.headers);
    if (path === '/refresh' || path === '/logout') bodies.push({ path, body });
    const sent = (body as { refreshToken?: string } | undefined)?.refreshToken;
    // Not the current token (an old or unknown one): refused like the real server's unknown token.
    if (path === '/refresh' && sent !== undefined && sent !== current) throw refusal(config);
    const response = await server.adapter(config);
    if (path === '/logout') current = undefined;
    // Only a request that does not look like a browser's gets the token in the body.
    const asksForBody =
      offersBody &&
      headers.get('X-Token-Transport') === 'body' &&
      !headers.has('Origin') &&
      !headers.has('Sec-Fetch-Site');
    const signIn = path === '/login' || path === '/register';
    if ((signIn && asksForBody) || (path === '/refresh' && sent !== undefined)) {
      response.data = { ...(response.data as object), refreshToken: issue() };
      if (path === '/refresh' && gate) await gate;
    }
    return response;
  };

  return {
    ...server,
    adapter,
    bodies,
    /** The refresh token the server would accept now. */
    currentToken: () => current,
    /** A token from an earlier run, as a returning app finds it in its storage. */
    storedSession(): string {
      server.haveSession();
      return issue();
    },
    /** Sign-ins answer as to a browser from now on (a server without the body transport). */
    answerInCookies() {
      offersBody = false;
    },
    /** Refresh answers (already rotated on the server) wait until the returned function is called. */
    holdRefreshAnswers(): () => void {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
  };
}

/** The server's answer to a refresh token it does not accept. */
function refusal(config: InternalAxiosRequestConfig): AxiosError {
  const data = { error: { code: 'invalid_refresh_token', message: 'invalid_refresh_token' } };
  const response = { data, status: 401, statusText: '401', headers: new AxiosHeaders(), config, request: {} };
  return new AxiosError(
    'Request failed with status code 401',
    AxiosError.ERR_BAD_REQUEST,
    config,
    {},
    response,
  );
}

export type BodyServer = ReturnType<typeof createBodyServer>;

/** Storage in memory that records what the client did with it. */
export function memoryStorage(initial?: string) {
  let value: string | undefined = initial;
  const calls: string[] = [];
  const storage: TokenStorage = {
    async get() {
      calls.push('get');
      return value ?? null;
    },
    async set(token) {
      calls.push(`set ${token}`);
      value = token;
    },
    async delete() {
      calls.push('delete');
      value = undefined;
    },
  };
  return { storage, calls, value: () => value };
}
