import type { AuthSnapshot, AuthStateMachine } from './auth-state.ts';
import { SessionExpiredError, toClientError } from './errors.ts';
import type { TabSync } from './tab-sync.ts';
import type { SignInAnswer } from './transport.ts';
import type { SessionEndCode } from './types.ts';
import { errorCodeOf, isSessionEndedCode, statusOf } from './wire.ts';

/**
 * After waiting for another tab's turn at the lock, how long to wait for its news before
 * refreshing ourselves (the lock can be handed over a moment before its message arrives).
 */
const NEWS_GRACE_MS = 250;

export interface RefresherDeps {
  state: AuthStateMachine;
  sync: TabSync;
  /** `POST /refresh` on the bare axios instance: no interceptors, so a 401 here can never loop. */
  call: () => Promise<SignInAnswer>;
  /** A fresh token: adopt it here and tell the other tabs (while we still hold the lock). */
  accept: (snapshot: AuthSnapshot) => void;
  /** The refresh was refused (401): the session is over. Resolves to the error to reject with. */
  sessionEnded: (code: SessionEndCode) => SessionExpiredError | Promise<SessionExpiredError>;
}

export interface Refresher {
  /**
   * Get a new access token. Concurrent callers share one flight; it rejects with
   * `SessionExpiredError` when the session is over, or with a network/timeout/API error
   * (auth state unchanged) when the server could not be asked.
   */
  refresh(): Promise<void>;
}

export function createRefresher(deps: RefresherDeps): Refresher {
  const { state, sync } = deps;
  let pending: Promise<void> | undefined;

  function refresh(): Promise<void> {
    if (pending) return pending;
    // Single flight: one pending promise, cleared by identity so a late `finally` of an old
    // flight can never clear a newer one (a stuck "isRefreshing" flag is the classic bug).
    const flight = run().finally(() => {
      if (pending === flight) pending = undefined;
    });
    pending = flight;
    return flight;
  }

  async function run(): Promise<void> {
    const mark = sync.mark();
    const epoch = state.epoch();
    await sync.exclusive(async (waited) => {
      if (waited && sync.mark() === mark) await sync.waitForNews(mark, NEWS_GRACE_MS);
      // Another tab refreshed, expired or signed out while we queued: its outcome is ours.
      if (sync.mark() !== mark) return outcomeOfNews();

      let answer: SignInAnswer;
      try {
        answer = await deps.call();
      } catch (error) {
        // No refresh token to send (body transport): no session, as the server would say.
        if (error instanceof SessionExpiredError) throw await deps.sessionEnded(error.reason);
        if (statusOf(error) === 401) {
          // The server refuses a refresh only with a session-ended code; anything else is as final.
          const code = errorCodeOf(error);
          throw await deps.sessionEnded(isSessionEndedCode(code) ? code : 'invalid_refresh_token');
        }
        throw toClientError(error);
      }
      // Signed out while the request was in flight: a late success must not sign back in.
      if (state.epoch() !== epoch) throw new SessionExpiredError(state.lastEndCode());
      // Body transport: store the successor first. A sign-out since we asked wins: either the
      // successor is not stored, or that sign-out's delete is queued after it.
      if (answer.keep && (!(await answer.keep()) || state.epoch() !== epoch)) {
        throw new SessionExpiredError(state.lastEndCode());
      }
      deps.accept(answer.snapshot);
    });
  }

  function outcomeOfNews(): void {
    if (state.get().status !== 'signedIn') throw new SessionExpiredError(state.lastEndCode());
  }

  return { refresh };
}
