/**
 * What the verifier knows about revocations. `freshAt` is the last moment at which the copy
 * was known to hold every revocation (undefined before the first synchronisation).
 */
export interface RevocationState {
  isRevoked(sessionId: string, nowMs: number): boolean;
  freshAt(): number | undefined;
  /**
   * Brings the copy up to date if it can do so on demand, and resolves when it is (or has given
   * up; never rejects). Shared by concurrent callers.
   */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

/** Reports the first error of each outage, not every retry of it. */
export function outageReporter(report: (error: unknown) => void) {
  let reported = false;
  return {
    failed(error: unknown) {
      if (reported) return;
      reported = true;
      report(error);
    },
    recovered() {
      reported = false;
    },
  };
}

/** Lets a timer not keep a Node process alive (a no-op where timers have no `unref`). */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
