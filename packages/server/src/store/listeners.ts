import type { StoreLogger } from './store.ts';

type Listener = (message: string) => void;

/** This process's subscribers, per channel. A throwing listener never stops the others. */
export class ListenerRegistry {
  private readonly byChannel = new Map<string, Set<Listener>>();

  constructor(private readonly logger: StoreLogger) {}

  add(channel: string, listener: Listener): () => void {
    let set = this.byChannel.get(channel);
    if (set === undefined) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    // Wrap so subscribing the same function twice yields two independent subscriptions.
    const entry: Listener = (message) => listener(message);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.byChannel.get(channel) === set) this.byChannel.delete(channel);
    };
  }

  emit(channel: string, message: string): void {
    const set = this.byChannel.get(channel);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (error) {
        this.logger.error({ err: error, channel }, 'store: event listener threw');
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}
