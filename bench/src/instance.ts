import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  BareCommands,
  BareEnv,
  ChildEnv,
  Commands,
  CommandTable,
  Ready,
  Request,
  Response,
} from './protocol.ts';

const CHILD = fileURLToPath(new URL('./server/child.ts', import.meta.url));
const BARE_CHILD = fileURLToPath(new URL('./server/bare-child.ts', import.meta.url));

/** A server under test in a child process, driven by typed IPC commands. */
export class ServerInstance<C extends CommandTable<C> = Commands> {
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

  /** Tenure, as an adopting app mounts it. */
  static start(env: ChildEnv): Promise<ServerInstance> {
    return ServerInstance.fork<Commands>(CHILD, env);
  }

  /** Bare Fastify with the anchors (`server/bare-child.ts`). */
  static startBare(env: BareEnv): Promise<ServerInstance<BareCommands>> {
    return ServerInstance.fork<BareCommands>(BARE_CHILD, env);
  }

  private static fork<C extends CommandTable<C>>(script: string, env: object): Promise<ServerInstance<C>> {
    const child = fork(script, [], {
      // BENCH_CPU_PROF=<folder>: a V8 CPU profile of each server, written there when it exits.
      execArgv: [
        '--conditions=@tenure/source',
        '--import',
        'tsx',
        '--expose-gc',
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ],
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server failed to start (exit ${code})`));
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        child.off('exit', onExit);
        resolve(new ServerInstance<C>(child, message.url, message.betterAuth));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<K extends keyof C & string>(command: K, args: C[K]['args']): Promise<C[K]['result']> {
    const id = this.nextId++;
    const request: Request<C, K> = { id, command, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('close' as keyof C & string, {} as C[keyof C & string]['args']).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
