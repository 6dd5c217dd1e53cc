import { rotateSigningKey } from '../tokens/signing-keys.ts';
import { runCli } from './run-cli.ts';

// `npm run keys:rotate`: a new key signs from now on; the old ones verify until their tokens expire.
await runCli(async (database, config) => {
  if (config.jwtPrivateKey) {
    throw new Error('JWT_PRIVATE_KEY is set: rotate by deploying a new key there instead.');
  }
  const kid = await rotateSigningKey(database.db, new Date());
  return `New signing key ${kid} is active; running servers pick it up within 5 minutes.`;
});
