import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

/**
 * CORS for apps on other origins that call the API with credentials: exact matches of
 * ALLOWED_ORIGINS only. A foreign origin, or `null`, gets no `Access-Control-Allow-Origin` at
 * all — never a reflection, never a wildcard (which credentials forbid anyway).
 */
async function corsPolicy(app: FastifyInstance, { config }: { config: Readonly<Config> }) {
  const allowed = new Set(config.allowedOrigins);
  await app.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Requested-With', 'X-Token-Transport'],
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  });
}

export const corsPlugin = fp(corsPolicy, { name: 'tenure-cors' });
