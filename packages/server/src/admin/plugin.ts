import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import { adminApi, sendNotFound } from './admin-api.ts';
import { type AdminServer, createAdminServer } from './admin-server.ts';
import { AdminService, type AdminServiceDeps } from './admin-service.ts';

export { ADMIN_PREFIX } from './admin-api.ts';

export interface AdminPluginOptions extends AdminServiceDeps {
  config: Readonly<Config>;
  store: Store;
}

/**
 * `/api/admin` (register with `prefix: ADMIN_PREFIX`). Without ADMIN_API_TOKEN every path here
 * answers 404 `not_found`. With it, the API is mounted here; or, with ADMIN_PORT, it is served
 * only by a listener of its own on that port (started when the app is ready, closed with it),
 * and here every path answers 404 as if it were off.
 */
export async function adminPlugin(app: FastifyInstance, options: AdminPluginOptions) {
  const { config, store } = options;
  const token = config.adminApiToken;
  if (token === undefined || config.adminPort !== undefined) app.setNotFoundHandler(sendNotFound);
  if (token === undefined) return;
  const api = { token, store, admin: new AdminService(options), config };
  const port = config.adminPort;
  if (port === undefined) {
    await adminApi(app, api);
    return;
  }
  let server: AdminServer | undefined;
  app.addHook('onReady', async () => {
    server = await createAdminServer({ ...api, port, host: config.host, logger: app.log });
    app.log.info({ url: server.url }, 'admin API served on its own port');
  });
  // Along with the app's own listener: no new admin requests, the ones in flight finish.
  app.addHook('preClose', async () => server?.close());
}
