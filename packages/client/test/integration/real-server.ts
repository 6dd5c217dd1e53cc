import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosAdapter, type AxiosResponse, isAxiosError } from 'axios';
import type { FastifyInstance } from 'fastify';

/**
 * The parts of @tenure/server this test uses. Loaded by path at run time so the client's
 * typecheck does not compile the server's sources (another team's work in progress).
 */
interface ServerModules {
  app: {
    buildApp(options: { config: unknown; clock: Clock; geolocator: unknown }): Promise<FastifyInstance>;
  };
  clock: { ManualClock: new (start: number) => Clock & { advance(ms: number): void } };
  config: { loadConfig(env: Record<string, string>): unknown };
}
interface Clock {
  now(): number;
}

async function load<K extends keyof ServerModules>(name: K): Promise<ServerModules[K]> {
  const path: string = new URL(`../../../server/src/${name}.ts`, import.meta.url).pathname;
  return (await import(path)) as ServerModules[K];
}

/** The real Tenure server on a throwaway database, listening on a random port. */
export interface RealServer {
  baseURL: string;
  clock: Clock & { advance(ms: number): void };
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startRealServer(env: Record<string, string> = {}): Promise<RealServer> {
  const [{ buildApp }, { ManualClock }, { loadConfig }] = await Promise.all([
    load('app'),
    load('clock'),
    load('config'),
  ]);
  const config = loadConfig({
    DATABASE_URL: 'memory://',
    PORT: '0',
    HOST: '127.0.0.1',
    COOKIE_SECURE: 'false',
    WEB_ROOT: 'none',
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: `tenure-client-test-${randomBytes(4).toString('hex')}:`,
    ...env,
  });
  // The server's clock starts at real time and moves only when a test moves it.
  const clock = new ManualClock(Date.now());
  const app = await buildApp({ config, clock, geolocator: { locate: async () => null } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}`, clock, app, close: () => app.close() };
}

/**
 * One browser for Node: axios's http adapter plus a cookie jar (Node has none), so the
 * HttpOnly refresh cookie travels exactly as it would in a browser. Clients ("tabs") that
 * share a Browser share its cookies. `calls` records "METHOD /path" of every request.
 */
export class Browser {
  readonly calls: string[] = [];
  private readonly jar = new Map<string, string>();
  private readonly http = axios.getAdapter('http');

  readonly adapter: AxiosAdapter = async (config) => {
    const url = new URL(axios.getUri(config));
    this.calls.push(`${(config.method ?? 'get').toUpperCase()} ${url.pathname}`);
    if (this.jar.size > 0) {
      config.headers.set(
        'Cookie',
        [...this.jar].map(([name, value]) => `${name}=${value}`),
      );
    }
    try {
      const response = await this.http(config);
      this.store(response);
      return response;
    } catch (error) {
      if (isAxiosError(error) && error.response) this.store(error.response);
      throw error;
    }
  };

  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }

  cookieNames(): string[] {
    return [...this.jar.keys()];
  }

  private store(response: AxiosResponse): void {
    const header: unknown = response.headers['set-cookie'];
    const lines = Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
    for (const line of lines) {
      const [pair = '', ...attributes] = String(line).split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a),
      );
      if (cleared || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}
