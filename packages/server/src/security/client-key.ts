import { normalizeIP } from '@fastify/rate-limit';

/**
 * The prefix one IPv6 subscriber is commonly given (RIPE-690 recommends a /56 or a /48 per
 * customer). A client that owns a /56 can rotate through 256 /64s, so grouping by /64 would
 * hand it 256 budgets.
 */
const IPV6_CLIENT_PREFIX = 56;

/**
 * The key that per-client budgets count against: an IPv4 address as is (IPv4-mapped IPv6
 * included), an IPv6 address by its /56. Both the per-IP rate limits and the dedupe of audit
 * rows about refused requests use it, so an attacker cannot escape one while staying inside
 * the other. `ip` is `request.ip`, which honours `X-Forwarded-For` only through TRUST_PROXY.
 */
export function clientKey(ip: string): string {
  return normalizeIP(ip, IPV6_CLIENT_PREFIX);
}
