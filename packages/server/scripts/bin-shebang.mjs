// Makes the compiled entry points runnable as the package's bins (`tenure-server`, `tenure-migrate`,
// …): a `#!/usr/bin/env node` line on top, and each source map shifted down by that one line so
// stack traces still point at the right line of the TypeScript source.
import { chmod, readFile, writeFile } from 'node:fs/promises';

const shebang = '#!/usr/bin/env node\n';
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

for (const path of new Set(Object.values(pkg.bin))) {
  const script = new URL(`../${path}`, import.meta.url);
  const code = await readFile(script, 'utf8');
  if (code.startsWith('#!')) continue;
  await writeFile(script, shebang + code);
  await chmod(script, 0o755);
  const map = new URL(`../${path}.map`, import.meta.url);
  const sourceMap = JSON.parse(await readFile(map, 'utf8'));
  // Each ';' in `mappings` starts the next generated line: one more in front skips the shebang.
  sourceMap.mappings = `;${sourceMap.mappings}`;
  await writeFile(map, JSON.stringify(sourceMap));
}
