/**
 * Lua scripts: each multi-step operation runs atomically inside Redis (needs Redis 7+ for
 * `PEXPIRE … NX`). Registered with ioredis `defineCommand`, so they go out as EVALSHA.
 */

/**
 * Add a denylist entry, prune expired ones, keep the sorted set's own expiry at its latest
 * entry, and announce the entry — all or nothing, so no instance can see a published denial
 * that is not stored, nor a stored one that was never announced.
 * KEYS[1] = denylist sorted set (score = epoch ms until which the session is denied)
 * ARGV = sid, untilMs, nowMs, channel
 */
export const denyScript = `
local key = KEYS[1]
redis.call('ZADD', key, 'GT', ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', key, last[2])
end
redis.call('PUBLISH', ARGV[4], ARGV[2] .. ' ' .. ARGV[1])
return 1
`;

/**
 * Fixed-window counter: INCR, then start the window only if it has none (PEXPIRE NX), so
 * concurrent first hits on several instances share one window. Beyond `max` the window is
 * restarted if the caller asks.
 * KEYS[1] = counter; ARGV = windowMs, max (-1 = none), onExceed ('keep'|'restart')
 * Returns { count, ms left }.
 */
export const hitScript = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local count = redis.call('INCR', key)
redis.call('PEXPIRE', key, window, 'NX')
if ARGV[3] == 'restart' and max >= 0 and count > max then
  redis.call('PEXPIRE', key, window)
  return { count, window }
end
return { count, redis.call('PTTL', key) }
`;

/** KEYS[1] = counter. Returns { count, ms left } or { 0, 0 } when absent. */
export const peekScript = `
local count = redis.call('GET', KEYS[1])
if not count then
  return { 0, 0 }
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = 0
end
return { tonumber(count), ttl }
`;
