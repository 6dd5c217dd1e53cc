import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../src/db/schema.ts';
import { RefreshTokenLookups } from '../../src/sessions/token-lookups.ts';

function fakeRepository() {
  const reads: string[] = [];
  let generation = 0;
  return {
    reads,
    find: async (hash: string) => {
      reads.push(hash);
      generation += 1;
      return { session_id: hash, generation } as unknown as SessionRow;
    },
  };
}

describe('a refresh reads its session once', () => {
  it('the rotation takes the row the rate limit just read, once; a second take reads afresh', async () => {
    const repository = fakeRepository();
    let now = 0;
    const lookups = new RefreshTokenLookups(repository.find, () => now);
    const seen = await lookups.find('h1');
    now += 5;
    expect(await lookups.take('h1')).toBe(seen);
    expect(repository.reads).toEqual(['h1']);
    const again = await lookups.take('h1');
    expect(again?.generation).toBe(2);
    expect(repository.reads).toEqual(['h1', 'h1']);
  });

  it('a row older than a second is never used: the rotation reads the session again', async () => {
    const repository = fakeRepository();
    let now = 0;
    const lookups = new RefreshTokenLookups(repository.find, () => now);
    await lookups.find('h1');
    now += 1001;
    expect((await lookups.take('h1'))?.generation).toBe(2);
  });

  it('another token never gets this one’s row', async () => {
    const repository = fakeRepository();
    const lookups = new RefreshTokenLookups(repository.find, () => 0);
    await lookups.find('h1');
    expect((await lookups.take('h2'))?.session_id).toBe('h2');
  });
});
