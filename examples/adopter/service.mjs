// Another service (Express) that accepts the same access tokens without calling Tenure on every
// request, and refuses them once the session is signed out. `node service.mjs`.
import { createVerifier, requireSession } from '@tenure/verify';
import express from 'express';

const tenureUrl = process.env.TENURE_URL ?? 'http://127.0.0.1:3000';

// Redis mode when this service can reach the Redis the Tenure servers use; the revocation feed
// (REVOCATION_FEED_TOKEN, set on the Tenure servers too) when it can only reach Tenure over HTTP.
const verifier = createVerifier({
  issuer: process.env.JWT_ISSUER ?? 'tenure',
  audience: process.env.JWT_AUDIENCE ?? 'tenure',
  jwksUrl: `${tenureUrl}/.well-known/jwks.json`,
  revocations: process.env.REDIS_URL
    ? { redisUrl: process.env.REDIS_URL, keyPrefix: process.env.REDIS_KEY_PREFIX ?? 'tenure:' }
    : {
        feedUrl: `${tenureUrl}/api/auth/revocations`,
        token: process.env.REVOCATION_FEED_TOKEN ?? '',
        intervalMs: 2000,
      },
});

const service = express();
service.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
service.get('/api/invoices', requireSession(verifier), (req, res) => {
  res.json({ userId: req.auth.userId, invoices: [{ id: 'inv-1', total: 42 }] });
});

const server = service.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`invoices service on http://${process.env.HOST ?? '127.0.0.1'}:${server.address().port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    verifier.close().finally(() => process.exit(0));
  });
}
