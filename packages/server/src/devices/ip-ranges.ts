import { isIPv4 } from 'node:net';
import { ipv6Words } from './ip.ts';

/** Where an address can be placed: the local network, nowhere (reserved), or the public internet. */
export type IpScope = 'local' | 'reserved' | 'public';

type Range4 = readonly [base: string, bits: number];

function toInt(ipv4: string): number {
  return ipv4.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** [start, end) as numbers, computed once: this runs on every sign-in and refresh. */
function compile(ranges: Range4[]): ReadonlyArray<readonly [number, number]> {
  return ranges.map(([base, bits]) => [toInt(base), toInt(base) + 2 ** (32 - bits)] as const);
}

function inAny(value: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return ranges.some(([start, end]) => value >= start && value < end);
}

/** Private (RFC 1918), loopback, link-local, CGNAT (RFC 6598). */
const LOCAL_V4 = compile([
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
]);

/** "This network", IETF protocol assignments, documentation, benchmarking, multicast, future use. */
const RESERVED_V4 = compile([
  ['0.0.0.0', 8],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
]);

/** Scope of an address already passed through `normalizeIp`. */
export function ipScope(ip: string): IpScope {
  if (isIPv4(ip)) {
    const value = toInt(ip);
    if (inAny(value, LOCAL_V4)) return 'local';
    return inAny(value, RESERVED_V4) ? 'reserved' : 'public';
  }
  const words = ipv6Words(ip);
  const first = words[0] ?? 0;
  const isLoopback = words.slice(0, 7).every((w) => w === 0) && words[7] === 1;
  // fe80::/10 link-local, fc00::/7 unique local (ULA).
  if (isLoopback || (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00) return 'local';
  const isUnspecified = words.every((w) => w === 0);
  const isMulticast = (first & 0xff00) === 0xff00;
  const isDocumentation = first === 0x2001 && words[1] === 0x0db8;
  return isUnspecified || isMulticast || isDocumentation ? 'reserved' : 'public';
}
