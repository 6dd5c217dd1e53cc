import type { AxiosResponse } from 'axios';
import type { AuthSnapshot } from './auth-state.ts';
import { toClientError } from './errors.ts';
import type { Emitter } from './events.ts';
import { readSnapshot } from './snapshot.ts';
import type { SessionEvent, TenureClient } from './types.ts';

export type ReauthOutcome = 'confirmed' | 'cancelled';

export interface ReauthGate {
  /**
   * Holds a request the server refused with `reauth_required` until the app confirms or cancels.
   * The first held request of a round emits `reauthRequired`; later ones join the same round.
   */
  hold(): Promise<ReauthOutcome>;
  /** The person confirmed it's them: every held request is retried (once). */
  confirm(): void;
  /** The app gave up: every held request rejects with `reauth_required`. */
  cancel(): void;
  /** Whether requests are waiting. */
  pending(): boolean;
}

/**
 * Step-up re-authentication: a sensitive request refused because the sign-in is too old keeps
 * the session (no refresh, no `expired`). The gate keeps one pending round — one event for any
 * number of refused requests — and settles them all together, cleared before it settles so a
 * refusal arriving meanwhile starts a new round.
 */
export function createReauthGate(events: Emitter<SessionEvent>): ReauthGate {
  let waiters: Array<(outcome: ReauthOutcome) => void> = [];

  function settle(outcome: ReauthOutcome): void {
    const settling = waiters;
    waiters = [];
    for (const resolve of settling) resolve(outcome);
  }

  return {
    hold() {
      return new Promise<ReauthOutcome>((resolve) => {
        waiters.push(resolve);
        if (waiters.length === 1) events.emit({ type: 'reauthRequired' });
      });
    },
    confirm: () => settle('confirmed'),
    cancel: () => settle('cancelled'),
    pending: () => waiters.length > 0,
  };
}

/**
 * The app's side of the gate: `reauthenticate(password)`, `confirmReauth(signedIn?)` and
 * `cancelReauth()`. A confirmation stores the fresh access token (its `auth_time` is what the
 * server checks) before the held requests go out again.
 */
export function createReauthCalls(deps: {
  gate: ReauthGate;
  /** `POST /api/auth/reauth` with the access token. */
  post: (password: string) => Promise<AxiosResponse<unknown>>;
  accept: (snapshot: AuthSnapshot) => void;
  refresh: () => Promise<void>;
  now: () => number;
}): Pick<TenureClient, 'reauthenticate' | 'confirmReauth' | 'cancelReauth'> {
  const { gate } = deps;
  return {
    async reauthenticate(password) {
      try {
        // The refresh token is not rotated: only the access token is new.
        deps.accept(readSnapshot(await deps.post(password), deps.now()));
      } catch (error) {
        // Held requests stay held: a mistyped password may be typed again.
        throw toClientError(error);
      }
      gate.confirm();
    },
    async confirmReauth(signedIn) {
      try {
        // Without the app's sign-in body, a refresh picks up the session's new sign-in time.
        if (signedIn === undefined) await deps.refresh();
        else
          deps.accept(
            readSnapshot({ data: signedIn, status: 200, headers: {} } as AxiosResponse, deps.now()),
          );
      } catch (error) {
        gate.cancel();
        throw toClientError(error);
      }
      gate.confirm();
    },
    cancelReauth: () => gate.cancel(),
  };
}
