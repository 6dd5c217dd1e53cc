import type { Location } from '../types.ts';

export const LOCAL_NETWORK: Location = Object.freeze({ label: 'Local network', country: null });

const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// Intl lookups cost microseconds each; there are fewer than 300 codes, so remember them.
const knownNames = new Map<string, string>();

/** "US" → "United States"; an unknown but well-formed code stays as it is; null for garbage. */
export function countryName(code: string): string | null {
  const known = knownNames.get(code);
  if (known !== undefined) return known;
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ') return null;
  const name = countryNames.of(code) ?? code;
  knownNames.set(code, name);
  return name;
}

/** DB-IP names districts as "Amsterdam (Amsterdam-Centrum)": people know the city. */
function cleanCity(city: string | null | undefined): string | null {
  const cleaned = (city ?? '').replace(/\s*\([^)]*\)\s*$/, '').trim();
  return cleaned === '' ? null : cleaned;
}

/** "City, Country" or "Country"; null when the country is unknown (a city alone is not a location). */
export function toLocation(
  countryCode: string | null | undefined,
  city: string | null | undefined,
): Location | null {
  const code = (countryCode ?? '').toUpperCase();
  const country = countryName(code);
  if (country === null) return null;
  const cityName = cleanCity(city);
  return { label: cityName === null ? country : `${cityName}, ${country}`, country: code };
}
