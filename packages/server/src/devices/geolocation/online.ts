import { LRUCache } from 'lru-cache';
import { normalizeIp } from '../ip.ts';
import { ipScope } from '../ip-ranges.ts';
import type { Geolocator, Location } from '../types.ts';
import { LOCAL_NETWORK, toLocation } from './location-label.ts';

export interface OnlineGeolocatorOptions {
  apiKey: string;
  /** @default 1000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Answers when the provider fails or is too slow. */
  fallback: Geolocator;
  /** Told why a lookup fell back (for logs and metrics). */
  onFallback?: (ip: string, reason: unknown) => void;
}

/** ipinfo.io's JSON API; the key goes in a header so it never lands in a URL or an access log. */
const ENDPOINT = 'https://ipinfo.io';

class ProviderTimeout extends Error {
  constructor(ms: number) {
    super(`geolocation provider did not answer within ${ms} ms`);
    this.name = 'ProviderTimeout';
  }
}

/** Races `run` against a timer; aborts the request so a slow provider holds no socket. */
async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProviderTimeout(ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function text(body: unknown, key: string): string | null {
  if (typeof body !== 'object' || body === null || !(key in body)) return null;
  const value: unknown = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** An online provider behind the Geolocator interface, falling back to `fallback` on any failure. */
export function createOnlineGeolocator(options: OnlineGeolocatorOptions): Geolocator {
  const { apiKey, fallback, onFallback } = options;
  const timeoutMs = options.timeoutMs ?? 1000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // Refreshes repeat the same address every few minutes: one paid lookup per address per day is plenty.
  const cache = new LRUCache<string, Location>({ max: 10_000, ttl: 24 * 60 * 60 * 1000 });

  const ask = async (ip: string): Promise<Location | null> => {
    const body = await withTimeout(timeoutMs, async (signal) => {
      // `ip` is normalised (hex digits, dots, colons only), so it is safe in the path as it is.
      const response = await fetchImpl(`${ENDPOINT}/${ip}/json`, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${apiKey}` },
        signal,
      });
      if (!response.ok) throw new Error(`geolocation provider answered ${response.status}`);
      const json: unknown = await response.json();
      return json;
    });
    return toLocation(text(body, 'country'), text(body, 'city'));
  };

  return {
    async locate(raw) {
      const ip = normalizeIp(raw);
      if (ip === null) return null;
      const scope = ipScope(ip);
      // Private and reserved addresses never leave the server.
      if (scope === 'local') return LOCAL_NETWORK;
      if (scope === 'reserved') return null;
      const cached = cache.get(ip);
      if (cached) return cached;
      try {
        const location = await ask(ip);
        if (location === null) return await fallback.locate(ip);
        cache.set(ip, location);
        return location;
      } catch (error) {
        onFallback?.(ip, error);
        return fallback.locate(ip);
      }
    },
    close: async () => {
      cache.clear();
      await fallback.close?.();
    },
  };
}
