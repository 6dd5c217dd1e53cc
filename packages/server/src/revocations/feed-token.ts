import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <token>` against the feed token in constant time: both sides
 * are hashed first, so neither the length nor a common prefix of a guess shows in the timing.
 */
export function bearerMatcher(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    const equal = timingSafeEqual(digest(presented ?? ''), expected);
    return presented !== undefined && equal;
  };
}
