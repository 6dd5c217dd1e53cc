import type { DeviceType, EndReason } from '@tenure/protocol';
import type { SignInContext } from './sign-in-context.ts';

/**
 * What happens to sessions, reported through one port. The session domain emits; the audit log,
 * metrics and webhooks subscribe (wired by the composition root). Nothing here knows who listens.
 */

/** The facts about a session that listeners may report (never a token or hash). */
export interface SessionFacts {
  sessionId: string;
  userId: string;
  deviceType: DeviceType;
  deviceName: string | null;
  browser: string | null;
  os: string | null;
  ipAddress: string | null;
  location: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** Who or what ended sessions, and from where. */
export interface EndingCause {
  /** `user` (the owner, from some session), `system` (expiry, cap, theft), `admin` (an operator). */
  actor: 'user' | 'system' | 'admin';
  /** The session the user acted from, when a user did it. */
  bySessionId?: string;
  /** One session named by id, or every other session at once. */
  scope: 'one' | 'all';
  context?: SignInContext;
  /** Free text an operator attached (admin actions). */
  note?: string;
  /** The request that did it, when it has no `context` of its own (an operator's). */
  requestId?: string;
}

export type RefreshRefusal = 'invalid' | 'revoked' | 'expired' | 'reused';

export type SessionOutcome =
  | {
      type: 'created';
      session: SessionFacts;
      context: SignInContext;
      /** First sign-in of a new account: nothing to compare devices with. */
      firstSignIn: boolean;
      deviceKey: string;
    }
  | { type: 'rotated'; session: SessionFacts }
  /** A replay inside the grace window got the current successor back. */
  | { type: 'grace_replay'; session: SessionFacts }
  | { type: 'refresh_refused'; reason: RefreshRefusal; session?: SessionFacts; context: SignInContext }
  | {
      type: 'ended';
      reason: EndReason;
      /**
       * With when each one ended (for expiry: the instant it expired, which may be long before it
       * was noticed) and when its last access token expires (for verifiers and webhooks).
       */
      sessions: Array<SessionFacts & { endedAt: Date; tokensValidUntil: Date }>;
      cause: EndingCause;
      at: Date;
    }
  | {
      type: 'reuse_detected';
      sessionId: string;
      userId: string | null;
      why: string;
      ended: boolean;
      context: SignInContext;
    }
  | { type: 'new_device'; session: SessionFacts; context: SignInContext }
  | { type: 'new_location'; session: SessionFacts; context: SignInContext; country: string }
  /** An access token of an ended session was refused (revocation reached this instance). */
  | { type: 'token_refused'; sessionId: string }
  /** A wrong password (or unknown email) at sign-in or when proving it for a sensitive action. */
  | {
      type: 'sign_in_failed';
      userId: string | null;
      during: 'login' | 'password_change' | 'reauth';
      context: SignInContext;
    }
  /** Sign-in refused before the password was checked: the account is held back or locked. */
  | {
      type: 'sign_in_throttled';
      userId: string | null;
      locked: boolean;
      retryAfterSeconds: number;
      /** The first refusal of this hold (later ones repeat it). */
      first: boolean;
      context: SignInContext;
    }
  | {
      type: 'account_locked';
      userId: string | null;
      consecutiveFailures: number;
      lockedForSeconds: number;
      context: SignInContext;
    }
  | {
      type: 'password_changed';
      userId: string;
      sessionId: string;
      revokedCount: number;
      context: SignInContext;
    };

export type OutcomeListener = (outcome: SessionOutcome) => void | Promise<void>;

/** The port: `emit` resolves once every listener has handled the outcome. */
export interface SessionOutcomes {
  emit(outcome: SessionOutcome): Promise<void>;
}

/**
 * Fans outcomes out to listeners in order. A failing listener is reported to `onError` and never
 * fails the action that produced the outcome, nor keeps the other listeners from hearing it.
 */
export class OutcomeBus implements SessionOutcomes {
  private readonly listeners: OutcomeListener[] = [];

  constructor(private readonly onError: (error: unknown, outcome: SessionOutcome) => void) {}

  subscribe(listener: OutcomeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  async emit(outcome: SessionOutcome): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(outcome);
      } catch (error) {
        this.onError(error, outcome);
      }
    }
  }
}
