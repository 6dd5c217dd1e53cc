import type { Geolocator } from '../types.ts';
import { createOfflineGeolocator } from './offline.ts';
import { createOnlineGeolocator } from './online.ts';

export interface GeolocatorOptions {
  /** `IP_GEOLOCATION_API_KEY`: when set, ipinfo.io answers first and the offline database backs it up. */
  apiKey?: string;
  /** Online provider timeout. @default 1000 */
  timeoutMs?: number;
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Called when an online lookup fell back to the offline database. */
  onFallback?: (ip: string, reason: unknown) => void;
}

/**
 * The offline DB-IP City Lite database by default (loaded once per process, lookups in microseconds);
 * with `apiKey`, an online provider with a timeout and the offline database as fallback.
 * Private, loopback, link-local, CGNAT and ULA addresses read "Local network"; unknown → null.
 */
export async function createGeolocator(options: GeolocatorOptions = {}): Promise<Geolocator> {
  const offline = await createOfflineGeolocator();
  if (options.apiKey === undefined || options.apiKey === '') return offline;
  return createOnlineGeolocator({
    apiKey: options.apiKey,
    fallback: offline,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.onFallback === undefined ? {} : { onFallback: options.onFallback }),
  });
}
