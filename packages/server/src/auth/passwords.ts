import { hash, verify } from '@node-rs/argon2';

/** argon2id (the library's default algorithm) at OWASP's minimum: m = 19 MiB, t = 2, p = 1. */
export const passwordHashParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashParams);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with weaker parameters than today's: rehash on login. */
export function needsRehash(passwordHash: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return (
    m! < passwordHashParams.memoryCost ||
    t! < passwordHashParams.timeCost ||
    p !== passwordHashParams.parallelism
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * Unknown emails are checked against a real hash of a random password, so that "no such user"
 * takes as long as "wrong password" and the response time does not reveal which it was.
 */
export function verifyAgainstDummy(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash.then((stored) => verifyPassword(stored, password)).then(() => false);
}
