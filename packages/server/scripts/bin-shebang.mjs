// Makes dist/server.js runnable as the `tenure-server` bin: a `#!/usr/bin/env node` line on top,
// and its source map shifted down by that one line so stack traces still point at src/server.ts.
import { chmod, readFile, writeFile } from 'node:fs/promises';

const shebang = '#!/usr/bin/env node\n';
const script = new URL('../dist/server.js', import.meta.url);
const map = new URL('../dist/server.js.map', import.meta.url);

const code = await readFile(script, 'utf8');
if (!code.startsWith('#!')) {
  await writeFile(script, shebang + code);
  await chmod(script, 0o755);
  const sourceMap = JSON.parse(await readFile(map, 'utf8'));
  // Each ';' in `mappings` starts the next generated line: one more in front skips the shebang.
  sourceMap.mappings = `;${sourceMap.mappings}`;
  await writeFile(map, JSON.stringify(sourceMap));
}
