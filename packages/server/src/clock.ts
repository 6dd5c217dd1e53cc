/** The one source of time in the server, so tests can move it. */
export interface Clock {
  now(): number;
  /**
   * Runs `task` every `ms` of real time (the timer does not keep the process alive); returns
   * a function that stops it. A manual clock runs it when told to instead.
   */
  every(ms: number, task: () => Promise<void>): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, task) {
    const timer = setInterval(() => void task(), ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** A clock tests move by hand; its periodic tasks run when `runTimers()` says so. */
export class ManualClock implements Clock {
  private readonly tasks = new Set<() => Promise<void>>();

  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  every(_ms: number, task: () => Promise<void>): () => void {
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }

  /** Runs every periodic task once, as eagerly as any timer could, and waits for them. */
  async runTimers(): Promise<void> {
    await Promise.all([...this.tasks].map((task) => task()));
  }
}
