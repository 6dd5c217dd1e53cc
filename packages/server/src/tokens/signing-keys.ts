import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
} from 'jose';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey | undefined;
  /** After this time the key no longer verifies (retired + longest token lifetime). */
  verifiesUntil: number;
}

const ALG = 'EdDSA';
const RELOAD_INTERVAL_MS = 5 * 60_000;

async function fromPrivateJwk(privateJwk: JWK): Promise<Omit<LoadedKey, 'verifiesUntil'>> {
  const { d: _secret, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' },
    publicKey: (await importJWK({ ...publicJwk, alg: ALG }, ALG)) as CryptoKey,
    privateKey: (await importJWK({ ...privateJwk, alg: ALG }, ALG)) as CryptoKey,
  };
}

export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _secret, ...publicJwk } = jwk;
  return { ...jwk, kid: await calculateJwkThumbprint(publicJwk) };
}

/** Parses JWT_PRIVATE_KEY: an Ed25519 private key as PKCS#8 PEM or as a JWK (JSON). */
export async function parseConfiguredKey(value: string): Promise<JWK> {
  if (value.trimStart().startsWith('{')) return JSON.parse(value) as JWK;
  const key = await importPKCS8(value.trim(), ALG, { extractable: true });
  return exportJWK(key);
}

/**
 * The Ed25519 keys that sign and verify access tokens. One key signs; retired keys keep
 * verifying until the tokens they signed have expired. Keys come from JWT_PRIVATE_KEY or are
 * generated once and stored in `signing_keys`, so restarts don't sign everyone out.
 */
export class KeyRing {
  private keys = new Map<string, LoadedKey>();
  private signer: LoadedKey | undefined;
  private loadedAt = 0;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly maxTokenLifetimeMs: number,
    private readonly configuredKey: string | undefined,
  ) {}

  async init(): Promise<void> {
    if (this.configuredKey) {
      const key = await fromPrivateJwk(await parseConfiguredKey(this.configuredKey));
      this.signer = { ...key, verifiesUntil: Number.POSITIVE_INFINITY };
      this.keys.set(key.kid, this.signer);
      return;
    }
    await this.load();
    if (!this.signer) {
      const jwk = await generateSigningJwk();
      const { d: _secret, ...publicJwk } = jwk;
      await this.db
        .insertInto('signing_keys')
        .values({ kid: jwk.kid!, private_jwk: JSON.stringify(jwk), public_jwk: JSON.stringify(publicJwk) })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
      await this.load();
    }
    if (!this.signer) throw new Error('No signing key could be loaded');
  }

  /** The key that signs new tokens. Picks up a rotation made by another process within minutes. */
  signingKey(): { kid: string; key: CryptoKey } {
    if (!this.configuredKey && this.clock.now() - this.loadedAt > RELOAD_INTERVAL_MS) void this.reload();
    const signer = this.signer!;
    return { kid: signer.kid, key: signer.privateKey! };
  }

  /** The public key for `kid`, used only to pick among our own keys (never from the token). */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (kid === undefined) return undefined;
    let key = this.keys.get(kid);
    if (!key && !this.configuredKey && this.clock.now() - this.loadedAt > 1_000) {
      await this.reload();
      key = this.keys.get(kid);
    }
    if (!key || this.clock.now() > key.verifiesUntil) return undefined;
    return key.publicKey;
  }

  jwks(): { keys: JWK[] } {
    const now = this.clock.now();
    return { keys: [...this.keys.values()].filter((k) => now <= k.verifiesUntil).map((k) => k.publicJwk) };
  }

  private reload(): Promise<void> {
    // Single flight: one pending reload shared by every caller, cleared by identity.
    if (!this.reloading) {
      const pending = this.load().finally(() => {
        if (this.reloading === pending) this.reloading = undefined;
      });
      this.reloading = pending;
    }
    return this.reloading;
  }

  private async load(): Promise<void> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    const keys = new Map<string, LoadedKey>();
    let signer: LoadedKey | undefined;
    for (const row of rows) {
      const base = await fromPrivateJwk(row.private_jwk as JWK);
      const verifiesUntil =
        row.retired_at === null
          ? Number.POSITIVE_INFINITY
          : new Date(row.retired_at).getTime() + this.maxTokenLifetimeMs + RELOAD_INTERVAL_MS;
      const key = { ...base, kid: row.kid, verifiesUntil };
      keys.set(row.kid, key);
      if (!signer && row.retired_at === null) signer = key;
    }
    this.keys = keys;
    this.signer = signer;
    this.loadedAt = this.clock.now();
  }
}

/** Makes a new key the signer and retires the others (`npm run keys:rotate`). */
export async function rotateSigningKey(db: Kysely<Database>, now: Date): Promise<string> {
  const jwk = await generateSigningJwk();
  const { d: _secret, ...publicJwk } = jwk;
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
    await tx
      .insertInto('signing_keys')
      .values({ kid: jwk.kid!, private_jwk: JSON.stringify(jwk), public_jwk: JSON.stringify(publicJwk) })
      .execute();
  });
  return jwk.kid!;
}
