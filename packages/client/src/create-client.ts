import { createAccountCalls } from './account.ts';
import { type ActivityMonitor, startActivityMonitor } from './activity.ts';
import { activitySignals } from './activity-signals.ts';
import { type AuthSnapshot, createAuthState } from './auth-state.ts';
import { SessionExpiredError, toClientError } from './errors.ts';
import { createEmitter, toSessionEvents } from './events.ts';
import { createInstances, installAuthInterceptors } from './http.ts';
import { messageFor } from './messages.ts';
import { createRequestScope } from './origins.ts';
import { createReauthCalls, createReauthGate } from './reauth.ts';
import { createRefresher } from './refresh.ts';
import { createTabSync, pageLinks, type TabMessage } from './tab-sync.ts';
import { createTokenStore } from './token-store.ts';
import { createTransport } from './transport.ts';
import type { AuthState, SessionEndCode, SessionEvent, TenureClient, TenureClientOptions } from './types.ts';
import { errorCodeOf, isSessionEndedCode, statusOf } from './wire.ts';

/**
 * Creates the client: an axios instance that keeps the access token fresh, session events,
 * cross-tab coordination and the activity monitor in a browser; with `transport: 'body'`, the
 * same for Node and React Native, the refresh token in the app's storage. Call `restore()` at start.
 */
export function createTenureClient(options: TenureClientOptions = {}): TenureClient {
  const now = () => Date.now();
  const leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transport = createTransport(options);
  // Only the cookie transport lives in a page: the body transport touches no DOM, channel or lock.
  const browser =
    transport.kind === 'cookie' && typeof window !== 'undefined' && typeof document !== 'undefined';

  const tokens = createTokenStore();
  const events = createEmitter<SessionEvent>();
  const state = createAuthState(tokens, events);
  const reauth = createReauthGate(events);
  const baseURL = options.baseURL ?? '';
  const scope = createRequestScope({
    baseURL,
    tokenOrigins: options.tokenOrigins ?? [],
    pageOrigin: browser ? globalThis.location?.origin : undefined,
  });
  const http = createInstances({
    baseURL,
    timeoutMs,
    adapter: options.adapter,
    scope,
    transport: transport.kind,
  });
  const sync = createTabSync({
    ...(browser ? pageLinks() : { channel: undefined, locks: undefined }),
    onMessage,
    now,
    refreshTimeoutMs: timeoutMs,
  });
  const signals = activitySignals(options.activity, browser);
  let monitor: { sessionId: string; monitor: ActivityMonitor } | undefined;
  let restoring: Promise<AuthState> | undefined;

  const refresher = createRefresher({
    state,
    sync,
    call: () => transport.refresh((body) => http.bare.post('/refresh', body), now),
    accept: (snapshot) => accept(snapshot, { announce: true, publish: true }),
    sessionEnded: endSession,
  });

  const hooks = {
    tokenForRequest,
    currentToken: () => tokens.get()?.value,
    canRefresh: () => state.get().status !== 'signedOut',
    refresh: () => refresher.refresh(),
    sessionEnded: endSession,
    reauthRequired: () => reauth.hold(),
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

  /**
   * The session is over. Forgets its refresh token (body transport) before anyone hears of it,
   * then expires a live session (event + other tabs) or settles page load quietly.
   */
  function endSession(code: SessionEndCode): SessionExpiredError | Promise<SessionExpiredError> {
    const forgetting = transport.forget();
    return forgetting ? forgetting.then(() => settleEnded(code)) : settleEnded(code);
  }

  function settleEnded(code: SessionEndCode): SessionExpiredError {
    const status = state.get().status;
    if (status === 'signedIn') {
      if (state.expire(code)) sync.publish({ type: 'expired', code });
    } else if (status === 'loading') {
      // Page load: no modal. `invalid_refresh_token` means there never was a session.
      state.settle(code === 'invalid_refresh_token' ? 'none' : 'expired', code);
    }
    stopMonitor();
    // Nobody is left to confirm it's them: requests held for that give up too.
    reauth.cancel();
    return new SessionExpiredError(code);
  }

  async function signOutHere(): Promise<void> {
    await transport.forget();
    state.signOut();
    sync.publish({ type: 'signedOut' });
    stopMonitor();
    reauth.cancel();
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
    if (options.monitorActivity === false || !signals) return;
    if (monitor?.sessionId === snapshot.session.id) return;
    stopMonitor();
    const started = startActivityMonitor({
      signals,
      now,
      policy: snapshot.policy,
      idleWarningSeconds: options.idleWarningSeconds ?? 60,
      // Failures are handled inside: an ended session has already emitted `expired`, and
      // a network error is retried at the next check.
      extend: () => void refresher.refresh().catch(() => undefined),
      expire: () => void endSession('session_expired'),
      warn: (secondsLeft) => events.emit({ type: 'idleWarning', secondsLeft }),
      onActivity: (at) => sync.publish({ type: 'activity', at }),
    });
    monitor = { sessionId: snapshot.session.id, monitor: started };
  }

  function stopMonitor(): void {
    monitor?.monitor.stop();
    monitor = undefined;
  }

  /** A silent refresh, when there is anything to refresh with; otherwise signed out, no event. */
  async function restoreFromTransport(): Promise<void> {
    if (await transport.mayRestore()) await refresher.refresh();
    else if (state.get().status === 'loading') state.settle('none');
  }

  async function signIn(path: '/login' | '/register', body: object): Promise<void> {
    try {
      const answer = transport.signIn(await http.bare.post(path, body), now());
      // Body transport: resolve only once the refresh token is stored, so the session survives a restart.
      if (answer.keep) await answer.keep();
      accept(answer.snapshot, { announce: false, publish: true });
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
      restoring ??= restoreFromTransport()
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
        const body = await transport.logoutBody();
        await http.bare.post('/logout', body, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
      } catch (error) {
        // Unconfirmed (offline, 5xx): the session and its cookie still work, so saying "signed
        // out" here would be false. Only a session that had already ended counts as done.
        if (!(statusOf(error) === 401 && isSessionEndedCode(errorCodeOf(error)))) throw toClientError(error);
      }
      await signOutHere();
    },
    async extend() {
      if (state.get().status !== 'signedIn') throw new SessionExpiredError(state.lastEndCode());
      await refresher.refresh();
    },
    ...createAccountCalls(http.auth, (sessionId) => {
      const current = state.get();
      // Revoking this very session signs this client out (the server cleared the cookie).
      if (current.status === 'signedIn' && current.session.id === sessionId) return signOutHere();
    }),
    ...createReauthCalls({
      gate: reauth,
      post: (password) => http.auth.post('/reauth', { password }),
      accept: (snapshot) => accept(snapshot, { announce: true, publish: true }),
      refresh: () => refresher.refresh(),
      now,
    }),
    messageFor: (error) => messageFor(error),
    stop() {
      reauth.cancel();
      stopMonitor();
      sync.close();
      for (const eject of ejectors) eject();
      events.clear();
      state.clearListeners();
    },
  };
}
