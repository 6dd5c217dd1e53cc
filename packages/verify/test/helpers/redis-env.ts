/** Redis cases run whenever REDIS_URL is set, and must when TENURE_REQUIRE_SERVICES=1. */
export const redisUrl = process.env.REDIS_URL;
if (!redisUrl && process.env.TENURE_REQUIRE_SERVICES === '1') {
  throw new Error('TENURE_REQUIRE_SERVICES=1 but REDIS_URL is not set: the Redis mode cannot be tested');
}
if (!redisUrl) console.warn('@tenure/verify Redis mode tests skipped: REDIS_URL is not set');
