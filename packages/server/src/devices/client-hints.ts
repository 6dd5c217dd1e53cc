/** Request headers as Node/Fastify hand them over. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Any single header longer than this is an attack or a bug, never a browser: ignore the excess. */
const MAX_HEADER_LENGTH = 1024;

/** The User-Agent Client Hints we read (and ask for with `Accept-CH`). */
export const CLIENT_HINT_HEADERS = [
  'Sec-CH-UA',
  'Sec-CH-UA-Mobile',
  'Sec-CH-UA-Platform',
  'Sec-CH-UA-Platform-Version',
  'Sec-CH-UA-Model',
  'Sec-CH-UA-Full-Version-List',
] as const;

export interface Brand {
  brand: string;
  version: string;
}

export interface ClientHints {
  /** Brands without GREASE entries, most specific first as the browser sent them. */
  brands: Brand[];
  mobile: boolean | null;
  platform: string | null;
  platformVersion: string | null;
  model: string | null;
}

/** First value of a header, looked up case-insensitively, capped; '' when absent. */
export function readHeader(headers: RequestHeaders, name: string): string {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.slice(0, MAX_HEADER_LENGTH) : '';
}

/** An RFC 8941 sf-string (`"Windows"`) or a bare token; null when empty. */
function unquote(raw: string): string | null {
  const trimmed = raw.trim();
  const inner =
    trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  const value = inner.replace(/\\(["\\])/g, '$1').trim();
  return value === '' ? null : value;
}

const BRAND_ENTRY = /"((?:[^"\\]|\\.)*)"\s*;\s*v\s*=\s*"((?:[^"\\]|\\.)*)"/g;

/** `"Chromium";v="126", "Google Chrome";v="126", "Not-A.Brand";v="99"` → real brands only. */
export function parseBrandList(raw: string): Brand[] {
  const brands: Brand[] = [];
  for (const match of raw.matchAll(BRAND_ENTRY)) {
    const brand = (match[1] ?? '').trim();
    // GREASE brands ("Not-A.Brand", " Not;A Brand", "Not/A)Brand") exist to break naive parsers.
    if (brand === '' || /not.?a.?brand/i.test(brand)) continue;
    brands.push({ brand, version: (match[2] ?? '').trim() });
  }
  return brands;
}

export function readClientHints(headers: RequestHeaders): ClientHints {
  const fullList = parseBrandList(readHeader(headers, 'Sec-CH-UA-Full-Version-List'));
  const mobile = readHeader(headers, 'Sec-CH-UA-Mobile').trim();
  return {
    brands: fullList.length > 0 ? fullList : parseBrandList(readHeader(headers, 'Sec-CH-UA')),
    mobile: mobile === '?1' ? true : mobile === '?0' ? false : null,
    platform: unquote(readHeader(headers, 'Sec-CH-UA-Platform')),
    platformVersion: unquote(readHeader(headers, 'Sec-CH-UA-Platform-Version')),
    model: unquote(readHeader(headers, 'Sec-CH-UA-Model')),
  };
}
