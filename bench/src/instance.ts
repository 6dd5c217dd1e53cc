import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildEnv, CommandName, Commands, Ready, Request, Response } from './protocol.ts';

const CHILD = fileURLToPath(new URL('./server/child.ts', import.meta.url));

/** A server under test in a child process, driven by typed IPC commands. */
export class ServerInstance {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly hasBetterAuth: boolean,
  ) {
    child.on('message', (message: Response) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`server: ${message.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`server exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(env: ChildEnv): Promise<ServerInstance> {
    const child = fork(CHILD, [], {
      execArgv: ['--conditions=@tenure/source', '--import', 'tsx', '--expose-gc'],
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server failed to start (exit ${code})`));
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        child.off('exit', onExit);
        resolve(new ServerInstance(child, message.url, message.betterAuth));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<K extends CommandName>(command: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
    const id = this.nextId++;
    const request: Request<K> = { id, command, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('close', {}).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
