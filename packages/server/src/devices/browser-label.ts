import type { Brand } from './client-hints.ts';
import type { ParsedAgent } from './user-agent.ts';

/** Sec-CH-UA brands that name a browser more precisely than a Chrome-looking User-Agent does. */
const HINT_BRANDS: Record<string, string> = {
  'Google Chrome': 'Chrome',
  'Microsoft Edge': 'Edge',
  Opera: 'Opera',
  'Opera GX': 'Opera GX',
  Brave: 'Brave',
  'Samsung Internet': 'Samsung Internet',
  YaBrowser: 'Yandex Browser',
  'Yandex Browser': 'Yandex Browser',
  Chromium: 'Chromium',
};

export function majorVersion(version: string | null | undefined): string | null {
  const major = /^\d{1,6}/.exec(version ?? '');
  return major ? major[0] : null;
}

function label(name: string, version: string | null): string {
  const major = majorVersion(version);
  return major === null ? name : `${name} ${major}`;
}

function fromBrands(brands: Brand[]): { name: string; version: string } | null {
  // "Chromium" is listed by every Chromium-based browser: only use it when nothing better is there.
  const specific = brands.find((b) => b.brand !== 'Chromium' && HINT_BRANDS[b.brand] !== undefined);
  const chosen = specific ?? brands.find((b) => b.brand === 'Chromium');
  if (!chosen) return null;
  return { name: HINT_BRANDS[chosen.brand] ?? chosen.brand, version: chosen.version };
}

/** "Chrome 126", "Safari 17", "Samsung Internet 25"; the UA decides unless it only says Chrome. */
export function browserLabel(agent: ParsedAgent, brands: Brand[]): string | null {
  if (agent.bot !== null) return agent.bot;
  const hinted = fromBrands(brands);
  if (hinted && (agent.browserName === null || agent.browserName === 'Chrome')) {
    return label(hinted.name, hinted.version);
  }
  return agent.browserName === null ? null : label(agent.browserName, agent.browserVersion);
}
