import type { CommandTable, Ready, Request, Response } from '../protocol.ts';

export type Handlers<C extends CommandTable<C>> = {
  [K in keyof C]: (args: C[K]['args']) => Promise<C[K]['result']>;
};

/**
 * Answers the parent's IPC commands with `handlers`, then says the server is ready. The answer
 * to `close` is the process's last word: it exits once the answer is sent.
 */
export function serveCommands<C extends CommandTable<C>>(handlers: Handlers<C>, ready: Ready): void {
  process.on('message', (message: Request<C>) => {
    const handler = handlers[message.command] as (args: unknown) => Promise<unknown>;
    handler(message.args).then(
      (result) => reply({ id: message.id, ok: true, result }, message.command === 'close'),
      (error: unknown) =>
        reply({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  process.send?.(ready);
}

function reply(response: Response, exit = false) {
  process.send?.(response, () => {
    if (exit) process.exit(0);
  });
}
