import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CHROME_MAC, type TestApp } from '../helpers/build-test-app.ts';
import { expectEnvelope, securityEventsOf } from '../helpers/inspect.ts';

// Per-client budgets count an IPv6 client by its /56 (what one subscriber is commonly given), so
// rotating through the /64s of one allocation buys nothing: neither more sign-in attempts nor
// one audit row per refused request. Each test uses its own /56.
const APP_ORIGIN = 'https://app.example.com';
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ ALLOWED_ORIGINS: APP_ORIGIN });
});
afterAll(async () => t?.close());

/** The `n`th address of the /56 `prefix` (four hex groups ending in `00`), each in a /64 of its own. */
function inOwnSlash64(prefix: string, n: number): string {
  const groups = prefix.split(':');
  const last = Number.parseInt(groups[3]!, 16) + (n % 256);
  return `${groups.slice(0, 3).join(':')}:${last.toString(16)}::${(n + 1).toString(16)}`;
}

/** A sign-in that fails validation: cheap, and counted by the per-IP limit like any other. */
function signIn(ip: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    headers: { 'user-agent': CHROME_MAC, ...headers },
    payload: {},
  });
}

async function csrfRowsFrom(prefix: string) {
  const rows = await securityEventsOf(t.app, { type: 'csrf_rejected' });
  return rows.filter((row) => String(row.ip_address).startsWith(prefix));
}

describe('IPv6 clients are counted by /56', () => {
  it('addresses in one /56 but different /64s share one sign-in budget; the next /56 has its own', async () => {
    for (let i = 0; i < 60; i++) {
      expectEnvelope(await signIn(inOwnSlash64('2001:db8:a:100', i)), 400, 'invalid_request');
    }
    expectEnvelope(await signIn('2001:db8:a:1ff:ffff::1'), 429, 'rate_limited');
    expectEnvelope(await signIn('2001:db8:a:200::1'), 400, 'invalid_request');
  });

  it('csrf_rejected is recorded once per /56, however many /64s the requests come from', async () => {
    for (let i = 0; i < 10; i++) {
      const response = await signIn(inOwnSlash64('2001:db8:b:100', i * 25), {
        origin: 'https://evil.example',
        'x-requested-with': 'tenure',
      });
      expectEnvelope(response, 403, 'csrf_rejected');
    }
    expect(await csrfRowsFrom('2001:db8:b:1')).toHaveLength(1);
  });

  it('the CSRF check runs behind the per-IP limit: a /64 past its budget gets 429, and all its refusals wrote one row', async () => {
    const foreign = { origin: 'https://evil.example', 'x-requested-with': 'tenure' };
    // One /64, a new address for every request.
    for (let i = 0; i < 60; i++) {
      expectEnvelope(await signIn(`2001:db8:c:100::${(i + 1).toString(16)}`, foreign), 403, 'csrf_rejected');
    }
    expectEnvelope(await signIn('2001:db8:c:100::ffff', foreign), 429, 'rate_limited');
    expect(await csrfRowsFrom('2001:db8:c:1')).toHaveLength(1);
  });
});
