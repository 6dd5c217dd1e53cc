import type { FastifyInstance } from 'fastify';

export interface ShutdownOptions {
  /** How long in-flight requests may take before their connections are cut. @default 10000 */
  graceMs?: number;
}

/**
 * Graceful shutdown: stop listening at once (new connections are refused; a request arriving on
 * an open keep-alive connection gets 503 so the load balancer retries elsewhere), let in-flight
 * requests finish, interrupt the cleanup between two batches, then close the store and the
 * database pool (the app's onClose hooks, which Fastify runs only after requests have drained).
 * Requests still running after `graceMs` lose their connections rather than hold the exit.
 */
export async function shutdown(app: FastifyInstance, options: ShutdownOptions = {}): Promise<void> {
  const graceMs = options.graceMs ?? 10_000;
  const cut = setTimeout(() => {
    app.log.warn({ graceMs }, 'requests still in flight after the grace period; closing their connections');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    // The app's preClose hook interrupts a running cleanup at once, before requests drain.
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
