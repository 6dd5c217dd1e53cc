import type { SessionEmitter } from './events.ts';
import type { AccessToken, TokenStore } from './token-store.ts';
import type {
  AuthState,
  CurrentSession,
  PublicUser,
  SessionEndCode,
  SessionPolicy,
  SignedOutReason,
} from './types.ts';

/** Everything a sign-in or refresh gives us; also what one tab hands another over BroadcastChannel. */
export interface AuthSnapshot {
  token: AccessToken;
  accessTokenExpiresAt: string;
  user: PublicUser;
  session: CurrentSession;
  policy: SessionPolicy;
}

/**
 * The one place auth state changes. Its guards make `expired` fire exactly once per loss of a
 * session, however many queued requests, tabs or timers notice the loss.
 */
export interface AuthStateMachine {
  get(): AuthState;
  subscribe(onChange: () => void): () => void;
  /** Increases whenever the user signs out or a session ends: a refresh started before must not revive it. */
  epoch(): number;
  /** The server code of the last session loss (for errors raised after the fact). */
  lastEndCode(): SessionEndCode;
  signIn(snapshot: AuthSnapshot, options: { announce: boolean }): void;
  /** A live session was lost: clears the token and emits `expired`. False when there was none. */
  expire(code: SessionEndCode): boolean;
  /** Sign-out by the user (here or in another tab): emits `signedOut` if someone was signed in. */
  signOut(): boolean;
  /** Settle without events (page load found no session, or one that had ended). */
  settle(reason: SignedOutReason, code?: SessionEndCode): void;
  clearListeners(): void;
}

export function createAuthState(tokens: TokenStore, events: SessionEmitter): AuthStateMachine {
  let state: AuthState = { status: 'loading' };
  let epoch = 0;
  let endCode: SessionEndCode = 'session_expired';
  const listeners = new Set<() => void>();

  function set(next: AuthState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  }

  function end(reason: SignedOutReason, code: SessionEndCode): boolean {
    const wasSignedIn = state.status === 'signedIn';
    tokens.clear();
    epoch += 1;
    endCode = code;
    if (!(state.status === 'signedOut' && state.reason === reason)) set({ status: 'signedOut', reason });
    return wasSignedIn;
  }

  return {
    get: () => state,
    subscribe(onChange) {
      const entry = () => onChange();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    epoch: () => epoch,
    lastEndCode: () => endCode,
    signIn(snapshot, { announce }) {
      tokens.set(snapshot.token);
      // Keep the same state object when only the token changed, so useSyncExternalStore
      // consumers do not re-render on every refresh.
      if (!sameSignIn(state, snapshot)) {
        set({ status: 'signedIn', user: snapshot.user, session: snapshot.session, policy: snapshot.policy });
      }
      if (announce) events.emit({ type: 'refreshed', accessTokenExpiresAt: snapshot.accessTokenExpiresAt });
    },
    expire(code) {
      if (state.status !== 'signedIn') return false;
      end('expired', code);
      events.emit({ type: 'expired', code });
      return true;
    },
    signOut() {
      // Sign-out revoked the session on the server, which answers its tokens just so.
      if (!end('signedOut', 'session_revoked')) return false;
      events.emit({ type: 'signedOut' });
      return true;
    },
    settle(reason, code = 'session_expired') {
      end(reason, code);
    },
    clearListeners() {
      listeners.clear();
    },
  };
}

function sameSignIn(state: AuthState, next: AuthSnapshot): boolean {
  if (state.status !== 'signedIn') return false;
  return (
    JSON.stringify([state.user, state.session, state.policy]) ===
    JSON.stringify([next.user, next.session, next.policy])
  );
}
