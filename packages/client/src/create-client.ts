import { createAccountCalls } from './account.ts';
import { type ActivityMonitor, startActivityMonitor } from './activity.ts';
import { type AuthSnapshot, createAuthState } from './auth-state.ts';
import { SessionExpiredError, toClientError } from './errors.ts';
import { createEmitter, toSessionEvents } from './events.ts';
import { createInstances, installAuthInterceptors } from './http.ts';
import { messageFor } from './messages.ts';
import { createRequestScope } from './origins.ts';
import { createRefresher } from './refresh.ts';
import { readSnapshot } from './snapshot.ts';
import { CHANNEL_NAME, createTabSync, type TabChannel, type TabLocks, type TabMessage } from './tab-sync.ts';
import { createTokenStore } from './token-store.ts';
import type { AuthState, SessionEndCode, SessionEvent, TenureClient, TenureClientOptions } from './types.ts';
import { errorCodeOf, isSessionEndedCode, statusOf } from './wire.ts';

/**
 * Creates the browser (or Node) client: an axios instance that keeps the access token fresh,
 * session events, cross-tab coordination and the activity monitor. Call `restore()` on page load.
 */
export function createTenureClient(options: TenureClientOptions = {}): TenureClient {
  const now = () => Date.now();
  const leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const browser = typeof window !== 'undefined' && typeof document !== 'undefined';

  const tokens = createTokenStore();
  const events = createEmitter<SessionEvent>();
  const state = createAuthState(tokens, events);
  const baseURL = options.baseURL ?? '';
  const scope = createRequestScope({
    baseURL,
    tokenOrigins: options.tokenOrigins ?? [],
    pageOrigin: globalThis.location?.origin,
  });
  const http = createInstances({ baseURL, timeoutMs, adapter: options.adapter, scope });
  const sync = createTabSync({
    channel: browser ? openChannel() : undefined,
    locks: browser ? webLocks() : undefined,
    onMessage,
    now,
    refreshTimeoutMs: timeoutMs,
  });
  let monitor: { sessionId: string; monitor: ActivityMonitor } | undefined;
  let restoring: Promise<AuthState> | undefined;

  const refresher = createRefresher({
    state,
    sync,
    // An empty JSON body: the refresh token travels in its HttpOnly cookie. (A bodiless POST
    // gets a form Content-Type from axios in Node, which the server refuses with 415.)
    call: async () => readSnapshot(await http.bare.post('/refresh', {}), now()),
    accept: (snapshot) => accept(snapshot, { announce: true, publish: true }),
    sessionEnded: endSession,
  });

  const hooks = {
    tokenForRequest,
    currentToken: () => tokens.get()?.value,
    canRefresh: () => state.get().status !== 'signedOut',
    refresh: () => refresher.refresh(),
    sessionEnded: endSession,
  };
  const ejectors = [
    // `auth` only ever calls the Tenure server's own endpoints.
    installAuthInterceptors(http.auth, hooks, () => true),
    installAuthInterceptors(http.api, hooks, scope.carriesToken),
  ];

  function accept(snapshot: AuthSnapshot, how: { announce: boolean; publish: boolean }): void {
    state.signIn(snapshot, { announce: how.announce });
    if (how.publish) sync.publish({ type: 'auth', snapshot });
    syncMonitor(snapshot);
    monitor?.monitor.noteExtended(now());
  }

  /** The session is over. Expires a live one (event + other tabs) or settles page load quietly. */
  function endSession(code: SessionEndCode): SessionExpiredError {
    const status = state.get().status;
    if (status === 'signedIn') {
      if (state.expire(code)) sync.publish({ type: 'expired', code });
    } else if (status === 'loading') {
      // Page load: no modal. `invalid_refresh_token` means there never was a session.
      state.settle(code === 'invalid_refresh_token' ? 'none' : 'expired', code);
    }
    stopMonitor();
    return new SessionExpiredError(code);
  }

  function signOutHere(): void {
    state.signOut();
    sync.publish({ type: 'signedOut' });
    stopMonitor();
  }

  function onMessage(message: TabMessage): void {
    if (message.type === 'auth') accept(message.snapshot, { announce: true, publish: false });
    else if (message.type === 'expired') {
      state.expire(message.code);
      stopMonitor();
    } else if (message.type === 'signedOut') {
      state.signOut();
      stopMonitor();
    } else if (message.type === 'activity') monitor?.monitor.noteActivity(message.at);
  }

  async function tokenForRequest(): Promise<string | undefined> {
    if (restoring) await restoring;
    const current = state.get();
    if (current.status !== 'signedIn') return tokens.get()?.value;
    const leeway = Math.min(leewayMs, (current.policy.accessTokenTtlSeconds * 1000) / 4);
    if (tokens.isStale(now(), leeway)) {
      try {
        await refresher.refresh();
      } catch (error) {
        // Offline a few seconds before expiry: the old token still works, so use it.
        const token = tokens.get();
        if (error instanceof SessionExpiredError || !token || token.expiresAtMs <= now()) throw error;
      }
    }
    return tokens.get()?.value;
  }

  function syncMonitor(snapshot: AuthSnapshot): void {
    if (options.monitorActivity === false || !browser) return;
    if (monitor?.sessionId === snapshot.session.id) return;
    stopMonitor();
    const started = startActivityMonitor({
      target: window,
      visibility: document,
      now,
      policy: snapshot.policy,
      idleWarningSeconds: options.idleWarningSeconds ?? 60,
      // Failures are handled inside: an ended session has already emitted `expired`, and
      // a network error is retried at the next check.
      extend: () => void refresher.refresh().catch(() => undefined),
      expire: () => endSession('session_expired'),
      warn: (secondsLeft) => events.emit({ type: 'idleWarning', secondsLeft }),
      onActivity: (at) => sync.publish({ type: 'activity', at }),
    });
    monitor = { sessionId: snapshot.session.id, monitor: started };
  }

  function stopMonitor(): void {
    monitor?.monitor.stop();
    monitor = undefined;
  }

  async function signIn(path: '/login' | '/register', body: object): Promise<void> {
    try {
      accept(readSnapshot(await http.bare.post(path, body), now()), { announce: false, publish: true });
    } catch (error) {
      throw toClientError(error);
    }
  }

  return {
    api: http.api,
    sessionEvents: toSessionEvents(events),
    getState: () => state.get(),
    subscribe: (onChange) => state.subscribe(onChange),
    restore() {
      restoring ??= refresher
        .refresh()
        .catch(() => {
          // Offline or server down on page load: nobody is signed in as far as this tab knows.
          if (state.get().status === 'loading') state.settle('none');
        })
        .then(() => state.get())
        .finally(() => {
          restoring = undefined;
        });
      return restoring;
    },
    login: (input) => signIn('/login', input),
    register: (input) => signIn('/register', input),
    async logout() {
      const token = tokens.get()?.value;
      try {
        await http.bare.post('/logout', {}, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
      } catch (error) {
        // Unconfirmed (offline, 5xx): the session and its cookie still work, so saying "signed
        // out" here would be false. Only a session that had already ended counts as done.
        if (!(statusOf(error) === 401 && isSessionEndedCode(errorCodeOf(error)))) throw toClientError(error);
      }
      signOutHere();
    },
    async extend() {
      if (state.get().status !== 'signedIn') throw new SessionExpiredError(state.lastEndCode());
      await refresher.refresh();
    },
    ...createAccountCalls(http.auth, (sessionId) => {
      const current = state.get();
      // Revoking this very session signs this browser out (the server cleared the cookie).
      if (current.status === 'signedIn' && current.session.id === sessionId) signOutHere();
    }),
    messageFor: (error) => messageFor(error),
    stop() {
      stopMonitor();
      sync.close();
      for (const eject of ejectors) eject();
      events.clear();
      state.clearListeners();
    },
  };
}

function openChannel(): TabChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  try {
    return new BroadcastChannel(CHANNEL_NAME);
  } catch {
    return undefined;
  }
}

function webLocks(): TabLocks | undefined {
  return globalThis.navigator?.locks ?? undefined;
}
