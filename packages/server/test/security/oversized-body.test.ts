import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CHROME_MAC, PASSWORD, registerUser, type TestApp } from '../helpers/build-test-app.ts';

// Bodies over the limit, over a real TCP connection with node's http client: the 413 must reach
// a client that is still sending its body, whichever way the body is framed.
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => t?.close());

type Framing = 'content-length' | 'chunked';

interface Answer {
  status: number;
  body: string;
}

/**
 * POSTs `body` in 64 KB chunks, yielding to the event loop between chunks the way a client on a
 * real network is still sending when the answer comes. A reset connection rejects (EPIPE or
 * ECONNRESET): that is the failure this file guards against.
 */
function post(path: string, body: Buffer, framing: Framing): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'user-agent': CHROME_MAC,
        ...(framing === 'content-length'
          ? { 'content-length': String(body.length) }
          : { 'transfer-encoding': 'chunked' }),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    let offset = 0;
    const writeNext = () => {
      if (req.destroyed) return;
      if (offset >= body.length) {
        req.end();
        return;
      }
      req.write(body.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
      setImmediate(writeNext);
    };
    writeNext();
  });
}

/** A sign-in body of `size` bytes: the right shape, with an absurd password. */
function signInBody(size: number): Buffer {
  const head = '{"email":"someone@example.com","password":"';
  const tail = '"}';
  return Buffer.from(`${head}${'x'.repeat(size - head.length - tail.length)}${tail}`);
}

describe('a body over the limit, over TCP', () => {
  it.each(['content-length', 'chunked'] as const)(
    'a 2 MB sign-in sent with %s framing gets a readable 413 payload_too_large, and the server stays healthy',
    async (framing) => {
      // Whether a reset beats the answer to the client is a race: try it several times.
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await post('/api/auth/login', signInBody(2 * 1024 * 1024), framing);
        expect(answer.status, answer.body).toBe(413);
        const parsed = JSON.parse(answer.body);
        expect(Object.keys(parsed)).toEqual(['error']);
        expect(parsed.error.code).toBe('payload_too_large');
      }
      const user = await registerUser(t.app);
      const signIn = await post(
        '/api/auth/login',
        Buffer.from(JSON.stringify({ email: user.email, password: PASSWORD })),
        framing,
      );
      expect(signIn.status, signIn.body).toBe(200);
    },
  );
});
