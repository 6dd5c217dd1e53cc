// `npm start`: builds the web app when its build is missing or older than its sources, then
// runs the server (embedded PGlite under ./data unless DATABASE_URL says otherwise).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const webDist = join(root, 'apps/web/dist');
const sources = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'packages/react/src',
  'packages/client/src',
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const builtAt = existsSync(join(webDist, 'index.html')) ? statSync(join(webDist, 'index.html')).mtimeMs : 0;
const changedAt = Math.max(...sources.map((source) => newest(join(root, source))));
if (existsSync(join(root, 'apps/web/index.html')) && changedAt > builtAt) {
  console.log('Building the web app…');
  run('npm', ['run', 'build', '-w', '@tenure/web']);
}

process.env.WEB_ROOT ??= webDist;
process.env.DATABASE_URL ??= `file://${join(root, 'data/db')}`;
// In this process (started with tsx's loader), so signals reach the server directly.
await import('../packages/server/src/server.ts');
