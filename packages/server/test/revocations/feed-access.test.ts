import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, errorCode, type TestApp } from '../helpers/build-test-app.ts';
import { FEED_TOKEN, getFeed, readFeed } from './feed-helpers.ts';

// Who may read the feed, and what a malformed question gets.
let t: TestApp;
let off: TestApp;

beforeAll(async () => {
  // One after the other: two embedded databases migrating at once can overrun the plugin timeout.
  t = await buildTestApp({ REVOCATION_FEED_TOKEN: FEED_TOKEN });
  off = await buildTestApp();
}, 180_000);
afterAll(async () => Promise.all([t?.close(), off?.close()]));

const encode = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const NOW_POSITION = new Date().toISOString().replace('Z', '000Z');
const SID = '6f1c2d3e-4b5a-4978-8a6b-5c4d3e2f1a0b';

describe('access to the revocation feed', () => {
  it('is 404 not_found when REVOCATION_FEED_TOKEN is unset, whatever token is sent', async () => {
    for (const token of [FEED_TOKEN, null]) {
      const response = await getFeed(off.app, {}, token);
      expect(response.statusCode).toBe(404);
      expect(errorCode(response)).toBe('not_found');
    }
  });

  it('is 401 invalid_token without the bearer token or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${FEED_TOKEN}x`, FEED_TOKEN.slice(0, -1), '']) {
      const response = await getFeed(t.app, {}, token);
      expect(response.statusCode, String(token)).toBe(401);
      expect(errorCode(response)).toBe('invalid_token');
    }
    const basic = await t.app.inject({
      method: 'GET',
      url: '/api/auth/revocations',
      headers: { authorization: `Basic ${FEED_TOKEN}` },
    });
    expect(errorCode(basic)).toBe('invalid_token');
  });

  it('checks the token before the query: a wrong token with a bad cursor is still 401', async () => {
    const response = await getFeed(t.app, { after: '!!!', limit: 0 }, 'wrong');
    expect(response.statusCode).toBe(401);
  });

  it('answers the right token with the feed shape', async () => {
    const answer = await readFeed(t.app);
    expect(answer).toEqual({ revocations: [], cursor: expect.any(String), hasMore: false });
    expect(answer.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await getFeed(t.app, { after: answer.cursor })).statusCode).toBe(200);
  });
});

describe('bad questions are 400 invalid_request', () => {
  const malformed = {
    'not base64url': '!!!',
    'not JSON': encode('hello'),
    'JSON but not an object': encode([1, 2]),
    'a position that is not a timestamp': encode({ p: 'yesterday', s: SID }),
    'a millisecond position': encode({ p: new Date().toISOString(), s: SID }),
    'a session id that is not a uuid': encode({ p: NOW_POSITION, s: 'abc' }),
    'an unknown field': encode({ p: NOW_POSITION, s: SID, x: 1 }),
    'a fractional floor': encode({ p: NOW_POSITION, s: SID, f: 1.5 }),
    'a position in the future': encode({ p: '2999-01-01T00:00:00.000000Z', s: SID }),
    'a floor in the future': encode({ p: NOW_POSITION, s: SID, f: Date.parse('2999-01-01') }),
  };
  for (const [what, after] of Object.entries(malformed)) {
    it(`a cursor that is ${what}`, async () => {
      const response = await getFeed(t.app, { after });
      expect(response.statusCode, response.body).toBe(400);
      expect(errorCode(response)).toBe('invalid_request');
    });
  }

  it('a limit outside 1..1000 or not an integer, and unknown parameters', async () => {
    for (const limit of ['0', '1001', '-1', '1.5', 'abc', '01', '']) {
      const response = await getFeed(t.app, { limit });
      expect(response.statusCode, `limit=${limit}`).toBe(400);
      expect(errorCode(response)).toBe('invalid_request');
    }
    for (const limit of [1, 1000]) expect((await getFeed(t.app, { limit })).statusCode).toBe(200);
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/api/auth/revocations?since=0',
      headers: { authorization: `Bearer ${FEED_TOKEN}` },
    });
    expect(errorCode(unknown)).toBe('invalid_request');
  });
});
