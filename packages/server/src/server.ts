import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createMetrics } from './ops/metrics.ts';
import { createMetricsServer } from './ops/metrics-plugin.ts';
import { shutdown } from './ops/shutdown.ts';

// In-flight requests get this long after SIGTERM/SIGINT; the process is killed (exit 1) if closing
// the pools after that still hangs. Both stay inside Kubernetes' default 30 s termination grace.
const REQUEST_GRACE_MS = 10_000;
const HARD_LIMIT_MS = REQUEST_GRACE_MS + 5_000;

/** The standalone server: parse config, build, listen, and shut down gracefully on signals. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const metrics = createMetrics({ activeSessionsCacheMs: 30_000 });
  const app = await buildApp({ config, metrics });
  let stopMetrics: (() => Promise<void>) | undefined;

  closeWithGrace(
    {
      delay: HARD_LIMIT_MS,
      logger: {
        error: (message: unknown) => app.log.error({ detail: message }, 'shutdown did not complete'),
      },
    },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'shutting down after an error');
      else app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      await shutdown(app, { graceMs: REQUEST_GRACE_MS });
      await stopMetrics?.();
      app.log.info('shutdown complete: requests finished, scheduler stopped, pools closed');
    },
  );

  await app.listen({ port: config.port, host: config.host });
  if (config.metricsPort !== undefined) {
    const metricsServer = await createMetricsServer({
      metrics,
      port: config.metricsPort,
      host: config.host,
      token: config.metricsToken,
      logger: app.log,
    });
    stopMetrics = () => metricsServer.close();
    app.log.info({ url: metricsServer.url }, 'metrics served on their own port');
  }
}

main().catch((error) => {
  process.stderr.write(`Tenure failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
