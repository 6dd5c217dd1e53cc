import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { ADMIN_PREFIX, type AdminApiOptions, adminApi, sendNotFound } from './admin-api.ts';
import { MAX_ENCODED_USER_ID_LENGTH } from './schemas.ts';

export interface AdminServer {
  /** e.g. `http://127.0.0.1:9465`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * ADMIN_PORT: the admin API alone on a listener of its own, e.g. reachable from an operations
 * network only. Like `/metrics` on METRICS_PORT it is exempt from ENFORCE_HTTPS (nothing on it
 * faces the public proxy); everything else is as on the main port.
 */
export async function createAdminServer(
  options: AdminApiOptions & { port: number; host: string; logger: FastifyBaseLogger },
): Promise<AdminServer> {
  const { config } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_ENCODED_USER_ID_LENGTH },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  // JSON only.
  app.removeContentTypeParser(['text/plain']);
  const api = { ...options, config: { ...config, enforceHttps: false } };
  await app.register(async (scope) => adminApi(scope, api), { prefix: ADMIN_PREFIX });
  app.setNotFoundHandler(sendNotFound);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => app.close() };
}

/** TRUST_PROXY as Fastify takes it: a hop count becomes "trust the nearest N hops". */
function trustProxyOption(value: Config['trustProxy']) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}
