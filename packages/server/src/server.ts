import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startCleanupSchedule } from './ops/cleanup-schedule.ts';

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
  const app = await buildApp({ config });
  const schedule = startCleanupSchedule(app);

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    schedule.stop();
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error) => {
  process.stderr.write(`Tenure failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
