import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { type ServerProcess, spawnServer } from './server-process.ts';

// SIGTERM stops accepting, lets the request in flight finish, stops the
// scheduler, closes the pools and exits 0. The request is made slow by the client: its body
// arrives in two halves, with the signal in between, so no test-only route is needed.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(): Promise<ServerProcess> {
  const database = await freshDatabaseUrl();
  // A scheduler that ticks every second is running when the signal comes.
  const server = await spawnServer({ DATABASE_URL: database.url, CLEANUP_CRON: '* * * * * *' });
  cleanups.push(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    await database.drop();
  });
  return server;
}

function connectOutcome(port: number): Promise<'connected' | string> {
  return new Promise((done) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

async function register(server: ServerProcess, email: string) {
  const response = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
}

describe('graceful shutdown of the real server process', () => {
  it('on SIGTERM a request in flight completes with 200, new connections are refused, and the process exits 0', async () => {
    const server = await start();
    const email = uniqueEmail();
    await register(server, email);

    // A login whose body is only half sent: the request is in flight on the server.
    const body = JSON.stringify({ email, password: PASSWORD });
    const half = Math.floor(body.length / 2);
    const request = http.request({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      request.once('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.once('end', () => done({ status: res.statusCode ?? 0, body: text }));
      });
      request.once('error', fail);
    });
    // Fails the test through `await response` below, never as an unhandled rejection.
    response.catch(() => undefined);
    request.write(body.slice(0, half));
    await server.waitForLog('incoming request', { where: (line) => line.req?.url === '/api/auth/login' });

    server.child.kill('SIGTERM');
    await server.waitForLog('shutting down');
    // The listener is closed while the request is still waiting for the rest of its body.
    await expect.poll(() => connectOutcome(server.port), { timeout: 10_000 }).toBe('ECONNREFUSED');
    expect(server.child.exitCode).toBeNull();

    request.end(body.slice(half));
    const answered = await response;
    expect(answered.status, answered.body).toBe(200);
    expect(JSON.parse(answered.body)).toHaveProperty('accessToken');

    expect(await server.exited).toBe(0);
    const messages = server.logs.map((line) => line.msg);
    // Pools close after the request was answered, never under it.
    expect(
      messages.indexOf('shutdown complete: requests finished, scheduler stopped, pools closed'),
    ).toBeGreaterThan(messages.indexOf('request completed'));
    expect(server.stderr()).toBe('');
  }, 240_000);

  it('an idle server exits 0 on SIGINT too', async () => {
    const server = await start();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.logs.map((line) => line.msg)).toContain(
      'shutdown complete: requests finished, scheduler stopped, pools closed',
    );
  }, 240_000);
});
