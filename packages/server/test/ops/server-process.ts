import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../../..');

export interface LogLine {
  msg?: string;
  req?: { method?: string; url?: string };
  [key: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  url: string;
  /** Every JSON log line so far (stdout), parsed. */
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once a log line whose message starts with `msg` (and matches `where`) has been written. */
  waitForLog(
    msg: string,
    options?: { timeoutMs?: number; where?: (line: LogLine) => boolean },
  ): Promise<void>;
}

/** The real server (`node --import tsx packages/server/src/server.ts`) on a free port. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@tenure/source', '--import', 'tsx', 'packages/server/src/server.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        WEB_ROOT: 'none',
        COOKIE_SECURE: 'false',
        LOG_LEVEL: 'info',
        ...env,
      },
    },
  );
  const logs: ServerProcess['logs'] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const waitForLog: ServerProcess['waitForLog'] = (msg, { timeoutMs = 30_000, where = () => true } = {}) =>
    new Promise<void>((done, fail) => {
      const seen = () => logs.some((line) => line.msg?.startsWith(msg) && where(line));
      const timer = setTimeout(
        () => fail(new Error(`no "${msg}" log within ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        if (seen()) {
          clearTimeout(timer);
          done();
        } else waiters.push(check);
      };
      check();
      exited.then(() => {
        if (!seen()) {
          clearTimeout(timer);
          fail(new Error(`server exited before "${msg}"; stderr: ${stderr}`));
        }
      });
    });

  // Start-up (embedded database, offline geo database, migrations) is slow on a busy machine.
  await waitForLog('Server listening at', { timeoutMs: 150_000 });
  const listening = logs.find((line) => line.msg?.startsWith('Server listening at'))!;
  const url = /http:\/\/[\d.]+:\d+/.exec(String(listening.msg))![0];
  return { child, port: Number(new URL(url).port), url, logs, stderr: () => stderr, exited, waitForLog };
}
