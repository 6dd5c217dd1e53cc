import { createPrivateKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import type { SigningKey, TokenMemory } from '../protocol.ts';
import type { BenchContext } from './context.ts';

const BATCH = 2_000;

/**
 * Server RSS before and after verifying N distinct tokens (1,000,000 at full scale). Tokens are
 * verified in-process through `AccessTokens` (1M over HTTP would take far longer than the whole
 * benchmark); the load generator mints the next batch while the server verifies this one.
 */
export async function tokenMemoryCase(context: BenchContext): Promise<TokenMemory> {
  const { server, sizes } = context;
  const total = sizes.distinctTokens;
  context.log(`token memory: verifying ${total.toLocaleString('en-US')} distinct tokens in the server`);
  const key = await server.call('signingKey', {});
  const minter = new Minter(key);
  await server.call('tokenMemoryStart', { total });
  let invalid = 0;
  let batch = minter.mint(Math.min(BATCH, total));
  for (let done = 0; done < total; ) {
    const verifying = server.call('tokenMemoryBatch', { tokens: batch });
    done += batch.length;
    batch = done < total ? minter.mint(Math.min(BATCH, total - done)) : [];
    invalid += (await verifying).invalid;
  }
  if (invalid > 0) throw new Error(`${invalid} minted tokens failed verification`);
  return server.call('tokenMemoryEnd', {});
}

/** Mints access tokens exactly as `AccessTokens.sign` shapes them, with node:crypto (faster). */
class Minter {
  private readonly key: KeyObject;
  private readonly header: string;

  constructor(private readonly signing: SigningKey) {
    this.key = createPrivateKey({ key: signing.privateJwk, format: 'jwk' });
    this.header = encode({ alg: 'EdDSA', typ: 'at+jwt', kid: signing.kid });
  }

  mint(count: number): string[] {
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.floor((Date.now() + this.signing.ttlMs) / 1000);
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      const payload = encode({
        sid: randomUUID(),
        iss: this.signing.issuer,
        aud: this.signing.audience,
        sub: randomUUID(),
        iat,
        exp,
        jti: randomUUID(),
      });
      const input = `${this.header}.${payload}`;
      tokens.push(`${input}.${sign(null, Buffer.from(input), this.key).toString('base64url')}`);
    }
    return tokens;
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
