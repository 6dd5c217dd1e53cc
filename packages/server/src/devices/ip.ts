import { isIPv4, isIPv6 } from 'node:net';

/** Longer than any address with a zone id and port a real proxy would send. */
const MAX_IP_INPUT_LENGTH = 100;

/** Eight 16-bit words of an address that `isIPv6` accepted. */
export function ipv6Words(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const embedded = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (embedded) {
    const [a, b, c, d] = embedded.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, embedded.index);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const toWords = (part: string) =>
    part === '' ? [] : part.split(':').map((word) => Number.parseInt(word, 16));
  const [head = '', rest] = text.split('::');
  const left = toWords(head);
  const right = [...(rest === undefined ? [] : toWords(rest)), ...tail];
  const zeros = new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0);
  return rest === undefined ? [...left, ...right] : [...left, ...zeros, ...right];
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero words as "::". */
function formatIpv6(words: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = Math.max(i, j);
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * One canonical text per address, so the same client is the same string in the database:
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) → `1.2.3.4`; IPv6 lower-cased and compressed; zone ids
 * (`fe80::1%eth0`), brackets and ports (`[::1]:443`, `1.2.3.4:80`) stripped. Null for anything else.
 */
export function normalizeIp(ip: string | undefined | null): string | null {
  if (typeof ip !== 'string' || ip.length > MAX_IP_INPUT_LENGTH) return null;
  let text = ip.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (bracketed) text = bracketed[1] ?? '';
  else if (withPort) text = withPort[1] ?? '';
  if (isIPv4(text)) return text;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (!isIPv6(text)) return null;
  const words = ipv6Words(text);
  const isMapped = words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff;
  if (isMapped) {
    const [high = 0, low = 0] = words.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return formatIpv6(words);
}
