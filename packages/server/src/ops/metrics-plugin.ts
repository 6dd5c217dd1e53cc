import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { TenureError, toEnvelope } from '../errors.ts';
import type { Metrics } from './metrics.ts';

export interface MetricsPluginOptions {
  metrics: Metrics;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>` (`METRICS_TOKEN`). @default undefined (public) */
  token?: string;
  /**
   * Serve `GET /metrics` on this app. Pass `false` when `createMetricsServer` serves it on a
   * separate port; request latency is still recorded here.
   * @default true
   */
  expose?: boolean;
}

/**
 * Records the latency of every request by route pattern (never the raw URL, which would
 * carry ids) and serves the instance's registry in Prometheus text format.
 * Wrapped with fastify-plugin because the latency hook must see every route of the app.
 */
export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app, { metrics, token, expose = true }) => {
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequest({
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        statusCode: reply.statusCode,
        durationSeconds: reply.elapsedTime / 1000,
      });
    });
    if (expose) addMetricsRoute(app, metrics, token);
  },
  { name: 'tenure-metrics', fastify: '5.x' },
);

export interface MetricsServerOptions {
  metrics: Metrics;
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  token?: string;
  logger?: FastifyBaseLogger;
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464` (the real port when `port` was 0). */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves only `GET /metrics` on its own port, e.g. one reachable from the monitoring network only. */
export async function createMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const app: FastifyInstance = options.logger
    ? Fastify({ loggerInstance: options.logger })
    : Fastify({ logger: false });
  addMetricsRoute(app, options.metrics, options.token);
  app.setNotFoundHandler((_request, reply) => {
    sendError(reply, new TenureError('not_found', 'Only GET /metrics is served on this port.'));
  });
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => app.close() };
}

function addMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  app.get('/metrics', {
    // Scrapes every few seconds would drown the request log.
    logLevel: 'warn',
    onRequest: async (request, reply) => {
      if (expected === undefined) return;
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      // Compare fixed-length digests so neither the content nor the length leaks through timing.
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendError(reply, new TenureError('invalid_token', 'A valid metrics token is required.'));
      }
    },
    handler: async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply
        .header('content-type', metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(body);
    },
  });
}

function sendError(reply: FastifyReply, error: TenureError): FastifyReply {
  return reply.code(error.status).send(toEnvelope(error));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
