import type { SessionEvent, SessionEvents } from './types.ts';

export interface Emitter<E> {
  emit(event: E): void;
  subscribe(listener: (event: E) => void): () => void;
  /** Drop every listener (client `stop()`). */
  clear(): void;
}

/** A tiny synchronous emitter; one throwing listener never stops the others from hearing the event. */
export function createEmitter<E>(): Emitter<E> {
  const listeners = new Set<(event: E) => void>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          report(error);
        }
      }
    },
    subscribe(listener) {
      // Wrap so the same function subscribed twice gets two independent subscriptions.
      const entry = (event: E) => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}

export type SessionEmitter = Emitter<SessionEvent>;

/** The public face of the emitter: `sessionEvents.subscribe(listener) → unsubscribe`. */
export function toSessionEvents(emitter: SessionEmitter): SessionEvents {
  return { subscribe: (listener) => emitter.subscribe(listener) };
}

function report(error: unknown): void {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error(error);
}
