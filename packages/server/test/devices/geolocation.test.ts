import { beforeAll, describe, expect, it } from 'vitest';
import {
  createGeolocator,
  createOfflineGeolocator,
  type OfflineGeolocator,
} from '../../src/devices/index.ts';

let offline: OfflineGeolocator;

beforeAll(async () => {
  offline = await createOfflineGeolocator();
});

describe('offline geolocation (DB-IP City Lite)', () => {
  it('places 8.8.8.8 in the United States', async () => {
    const location = await offline.locate('8.8.8.8');
    expect(location?.country).toBe('US');
    expect(location?.label).toMatch(/(^|, )United States$/);
  });

  it.each([
    ['193.0.6.139', 'NL', 'Netherlands'],
    ['195.154.0.1', 'FR', 'France'],
    ['2001:67c:2e8:22::c100:68b', 'NL', 'Netherlands'],
    ['2a01:4f8::1', 'DE', 'Germany'],
  ])('places European address %s in %s', async (ip, country, name) => {
    const location = await offline.locate(ip);
    expect(location?.country).toBe(country);
    expect(location?.label).toMatch(new RegExp(`(^|, )${name}$`));
  });

  it('reads "City, Country" with the district dropped', async () => {
    expect(await offline.locate('193.0.6.139')).toEqual({ label: 'Amsterdam, Netherlands', country: 'NL' });
  });

  it('looks up an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    expect(await offline.locate('::ffff:8.8.8.8')).toEqual(await offline.locate('8.8.8.8'));
  });

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.20',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:1234::5',
    '::ffff:192.168.0.1',
  ])('%s reads "Local network"', async (ip) => {
    expect(await offline.locate(ip)).toEqual({ label: 'Local network', country: null });
  });

  it.each([
    '192.0.2.1',
    '203.0.113.9',
    '198.51.100.1',
    '0.0.0.0',
    '224.0.0.251',
    '240.0.0.1',
    '2001:db8::1',
    '::',
    'ff02::1',
  ])('reserved address %s has no location', async (ip) => {
    expect(await offline.locate(ip)).toBeNull();
  });

  it.each([null, '', 'not-an-ip', '999.1.1.1', 'x'.repeat(100_000)])('%j has no location', async (ip) => {
    expect(await offline.locate(ip)).toBeNull();
  });

  it('answers synchronously through lookup()', () => {
    expect(offline.lookup('8.8.8.8')?.country).toBe('US');
  });

  it('is the default geolocator', async () => {
    const geolocator = await createGeolocator();
    expect(await geolocator.locate('81.2.69.160')).toMatchObject({ country: 'GB' });
  });
});

interface Call {
  url: string;
  headers: Headers;
  signal: AbortSignal | null;
}

function recordingFetch(answer: (call: Call) => Promise<Response>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call = { url: String(input), headers: new Headers(init?.headers), signal: init?.signal ?? null };
    calls.push(call);
    return answer(call);
  };
  return { fetch: fake, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('online geolocation (IP_GEOLOCATION_API_KEY)', () => {
  it('uses the provider answer and sends the key in a header, not the URL', async () => {
    const provider = recordingFetch(async () => json({ ip: '8.8.4.4', city: 'Chicago', country: 'US' }));
    const geolocator = await createGeolocator({ apiKey: 'secret-key', fetch: provider.fetch });
    expect(await geolocator.locate('8.8.4.4')).toEqual({ label: 'Chicago, United States', country: 'US' });
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]?.url).toContain('8.8.4.4');
    expect(provider.calls[0]?.url).not.toContain('secret-key');
    expect(provider.calls[0]?.headers.get('authorization')).toBe('Bearer secret-key');
  });

  it('falls back to the offline database when the provider does not answer in time', async () => {
    const reasons: unknown[] = [];
    const provider = recordingFetch(() => new Promise<Response>(() => {}));
    const geolocator = await createGeolocator({
      apiKey: 'k',
      timeoutMs: 5,
      fetch: provider.fetch,
      onFallback: (_ip, reason) => reasons.push(reason),
    });
    const location = await geolocator.locate('8.8.8.8');
    expect(location).toEqual(offline.lookup('8.8.8.8'));
    expect(location?.country).toBe('US');
    expect(provider.calls[0]?.signal?.aborted).toBe(true);
    expect(reasons).toHaveLength(1);
  });

  it.each([
    ['an error status', async () => json({ error: 'rate limited' }, 429)],
    ['a network failure', async () => Promise.reject(new TypeError('fetch failed'))],
    ['a body that is not JSON', async () => new Response('<html>oops</html>', { status: 200 })],
    ['an answer without a country', async () => json({ ip: '8.8.8.8', bogon: true })],
  ])('falls back to the offline database on %s', async (_what, answer) => {
    const provider = recordingFetch(answer);
    const geolocator = await createGeolocator({ apiKey: 'k', fetch: provider.fetch });
    expect(await geolocator.locate('8.8.8.8')).toEqual(offline.lookup('8.8.8.8'));
    expect(provider.calls).toHaveLength(1);
  });

  it('never sends local or reserved addresses to the provider', async () => {
    const provider = recordingFetch(async () => json({ city: 'Nowhere', country: 'US' }));
    const geolocator = await createGeolocator({ apiKey: 'k', fetch: provider.fetch });
    expect(await geolocator.locate('192.168.1.1')).toEqual({ label: 'Local network', country: null });
    expect(await geolocator.locate('2001:db8::1')).toBeNull();
    expect(await geolocator.locate('garbage')).toBeNull();
    expect(provider.calls).toHaveLength(0);
  });

  it('asks the provider once per address, not on every refresh', async () => {
    const provider = recordingFetch(async () => json({ city: 'Paris', country: 'FR' }));
    const geolocator = await createGeolocator({ apiKey: 'k', fetch: provider.fetch });
    await geolocator.locate('195.154.0.1');
    await geolocator.locate('::ffff:195.154.0.1');
    expect(provider.calls).toHaveLength(1);
  });
});
