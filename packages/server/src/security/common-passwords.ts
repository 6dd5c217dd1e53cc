import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let common: ReadonlySet<string> | undefined;

/**
 * The ~49,000 most common passwords of leaked corpora, from `@zxcvbn-ts/language-common`
 * (MIT), ordered by frequency. Loaded once (≈ 10 ms), at start-up via `loadCommonPasswords`.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (!common) {
    const path = require.resolve('@zxcvbn-ts/language-common/src/passwords.json');
    const list = JSON.parse(readFileSync(path, 'utf8')) as string[];
    common = new Set(list.map((password) => password.toLowerCase()));
  }
  return common;
}

/** Case-insensitive: "Password1" is as guessable as "password1". */
export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(password.toLowerCase());
}
