/// <reference path="./ua-parser-js.d.ts" />
import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';

/** The User-Agent as ua-parser-js reads it, with names we display already normalised. */
export interface ParsedAgent {
  bot: string | null;
  browserName: string | null;
  browserVersion: string | null;
  osName: string | null;
  osVersion: string | null;
  vendor: string | null;
  model: string | null;
  type: string | null;
}

// Crawlers announce themselves with a "Googlebot/2.1"-style product token; requiring the "/" keeps phone
// models such as "CUBOT P30" from reading as bots.
const BOT_TOKEN = /\b([a-z][\w-]{0,40}?(?:bot|spider|crawler))\//i;
const OTHER_BOTS = /\b(Slurp|facebookexternalhit|Lighthouse)\b/;

/** Non-browser HTTP clients (curl/8.4.0, okhttp/4.12.0, python-requests/2.32): "curl 8". */
const PRODUCT_TOKEN = /^([A-Za-z][\w.+-]{0,39})\/(\d{1,6})/;

const BROWSER_NAMES: Record<string, string> = {
  'Mobile Safari': 'Safari',
  'Mobile Firefox': 'Firefox',
  'Chrome Headless': 'Headless Chrome',
  'Chrome WebView': 'Android WebView',
  Yandex: 'Yandex Browser',
};

function clean(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

// ua-parser-js runs hundreds of regexes (~150 µs); most sign-ins come from a few hundred distinct
// User-Agents, so remember recent answers. Keys are capped User-Agents: the cache stays under ~1 MB.
const parsed = new LRUCache<string, Readonly<ParsedAgent>>({ max: 1_000 });

/** The User-Agent parsed (from a small cache when seen recently). */
export function parseUserAgent(userAgent: string): Readonly<ParsedAgent> {
  let agent = parsed.get(userAgent);
  if (agent === undefined) {
    agent = Object.freeze(parseUncached(userAgent));
    parsed.set(userAgent, agent);
  }
  return agent;
}

function parseUncached(userAgent: string): ParsedAgent {
  const result = new UAParser(userAgent).getResult();
  const botMatch = BOT_TOKEN.exec(userAgent) ?? OTHER_BOTS.exec(userAgent);
  let browserName = clean(result.browser.name);
  let browserVersion = clean(result.browser.version);
  if (browserName === 'WebKit') {
    // An in-app WKWebView: the WebKit build number means nothing to a person.
    browserName = 'iOS WebView';
    browserVersion = null;
  } else if (browserName !== null) {
    browserName = BROWSER_NAMES[browserName] ?? browserName;
  } else if (!userAgent.startsWith('Mozilla/')) {
    const product = PRODUCT_TOKEN.exec(userAgent);
    if (product) {
      browserName = product[1] ?? null;
      browserVersion = product[2] ?? null;
    }
  }
  return {
    bot: botMatch ? (botMatch[1] ?? null) : null,
    browserName,
    browserVersion,
    osName: clean(result.os.name),
    osVersion: clean(result.os.version),
    vendor: clean(result.device.vendor),
    model: clean(result.device.model),
    type: clean(result.device.type),
  };
}
