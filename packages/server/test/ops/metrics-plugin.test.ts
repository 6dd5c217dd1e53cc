import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.ts';
import { createMetricsServer, metricsPlugin } from '../../src/ops/metrics-plugin.ts';
import { buildMetricsApp, parseExposition, sampleValue, scrape } from './scrape.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function appWith(token?: string) {
  const metrics = createMetrics();
  const app = await buildMetricsApp(metrics, token);
  closers.push(() => app.close());
  return { metrics, app };
}

describe('request latency', () => {
  it('labels requests with the route pattern, never the raw URL', async () => {
    const { app } = await appWith();
    const sessionId = '0d6f4a52-3f7e-4c4b-9d38-5f0b7e0c2a19';
    expect((await app.inject({ method: 'DELETE', url: `/api/auth/sessions/${sessionId}` })).statusCode).toBe(
      204,
    );

    const samples = await scrape(app);
    const labels = { method: 'DELETE', route: '/api/auth/sessions/:sessionId', status_code: '204' };
    expect(sampleValue(samples, 'tenure_http_request_duration_seconds_count', labels)).toBe(1);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes(sessionId)))).toBe(false);
  });

  it('labels requests to unknown URLs "unmatched", whatever the URL', async () => {
    const { app } = await appWith();
    await app.inject({ method: 'GET', url: '/wp-admin/a' });
    await app.inject({ method: 'GET', url: '/wp-admin/b' });

    const samples = await scrape(app);
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    expect(sampleValue(samples, 'tenure_http_request_duration_seconds_count', unmatched)).toBe(2);
    expect(samples.some((s) => s.labels.route?.includes('wp-admin'))).toBe(false);
  });

  it('records the status code the client received', async () => {
    const { app } = await appWith();
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    const samples = await scrape(app);
    const labels = { method: 'POST', route: '/api/auth/login', status_code: '401' };
    expect(sampleValue(samples, 'tenure_http_request_duration_seconds_count', labels)).toBe(1);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text format publicly when no token is configured', async () => {
    const { app } = await appWith();
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE tenure_refresh_total counter');
  });

  it('with a token, refuses a missing, wrong or malformed Authorization header with 401 invalid_token', async () => {
    const { app } = await appWith('s3cret-scrape-token');
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Bearer s3cret-scrape-token-and-more',
      's3cret-scrape-token',
      'Basic czNjcmV0',
    ]) {
      const response = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_token' } });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).not.toContain('tenure_');
    }
  });

  it('with a token, serves the metrics to a scraper that presents it', async () => {
    const { app } = await appWith('s3cret-scrape-token');
    const samples = await scrape(app, { authorization: 'Bearer s3cret-scrape-token' });
    expect(sampleValue(samples, 'tenure_logins_total', { outcome: 'ok' })).toBe(0);
  });

  it('can be left off the app (expose: false) while request latency is still recorded', async () => {
    const metrics = createMetrics();
    const app = Fastify({ logger: false });
    await app.register(metricsPlugin, { metrics, expose: false });
    app.get('/api/auth/me', async () => ({ ok: true }));
    closers.push(() => app.close());
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    await app.inject({ method: 'GET', url: '/api/auth/me' });
    const samples = parseExposition(await metrics.registry.metrics());
    const labels = { method: 'GET', route: '/api/auth/me', status_code: '200' };
    expect(sampleValue(samples, 'tenure_http_request_duration_seconds_count', labels)).toBe(1);
  });
});

describe('separate metrics port', () => {
  it('serves only /metrics, behind the token, on its own listener', async () => {
    const metrics = createMetrics();
    metrics.sessionCreated('mobile');
    const server = await createMetricsServer({ metrics, port: 0, token: 'scrape-me' });
    closers.push(() => server.close());

    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } });
    expect(ok.status).toBe(200);
    const samples = parseExposition(await ok.text());
    expect(sampleValue(samples, 'tenure_sessions_created_total', { device_type: 'mobile' })).toBe(1);

    const other = await fetch(`${server.url}/api/auth/me`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
