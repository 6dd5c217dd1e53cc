import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from '../../src/ops/metrics.ts';
import { metricsPlugin } from '../../src/ops/metrics-plugin.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition format into samples (comments skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when absent. */
export function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** A tiny app with the metrics plugin and a few routes shaped like the real API. */
export async function buildMetricsApp(metrics: Metrics, token?: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(metricsPlugin, token === undefined ? { metrics } : { metrics, token });
  app.delete('/api/auth/sessions/:sessionId', async (_request, reply) => reply.code(204).send());
  app.post('/api/auth/login', async (_request, reply) =>
    reply.code(401).send({ error: { code: 'invalid_credentials' } }),
  );
  await app.ready();
  return app;
}

export async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers });
  if (response.statusCode !== 200)
    throw new Error(`/metrics answered ${response.statusCode}: ${response.body}`);
  return parseExposition(response.body);
}
