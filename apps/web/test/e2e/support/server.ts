import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { freshDatabase } from './database.ts';

const repoRoot = resolve(import.meta.dirname, '../../../../..');

export interface RunningServer {
  baseURL: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/**
 * Runs what `npm start` runs (scripts/start.mjs: builds the web app when stale, then serves it
 * with the API) on a free port. Durations are fractions of minutes so expiry takes seconds.
 * With DATABASE_URL / REDIS_URL set (CI) it runs on a fresh PostgreSQL database and its own Redis
 * key prefix; otherwise on a throwaway embedded database and the in-process store.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const [port, database] = await Promise.all([freePort(), freshDatabase()]);
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@tenure/source', '--import', 'tsx', 'scripts/start.mjs'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        REDIS_KEY_PREFIX: `tenure-e2e-${randomBytes(4).toString('hex')}:`,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseURL = `http://localhost:${port}`;

  const deadline = Date.now() + 170_000;
  for (;;) {
    if (child.exitCode !== null) {
      await database.drop();
      throw new Error(`npm start exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await database.drop();
      throw new Error(`server did not become ready:\n${log}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }

  return {
    baseURL,
    output: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await database.drop();
    },
  };
}
