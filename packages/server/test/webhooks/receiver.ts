import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A fresh Standard Webhooks secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface ReceivedEvent {
  /** `webhook-id` */
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { sessionId?: string; userId?: string; reason?: string };
  /** When it arrived (real time, ms). */
  receivedAt: number;
}

/** How the receiver answers the next request: a status, or never (the connection is held). */
export type Answer = number | 'hang';

export interface Receiver {
  url: string;
  /** Every request that verified, including those answered with an error (attempts). */
  attempts: ReceivedEvent[];
  /** Events answered 2xx, in arrival order. */
  delivered: ReceivedEvent[];
  /** Requests whose signature did not verify (should stay empty). */
  rejected: string[];
  /** Answers for the coming requests, in order; afterwards 204. */
  answers: Answer[];
  /** Consulted first: an answer for this event, or undefined to go on to `answers`. */
  decide: ((event: ReceivedEvent) => Answer | undefined) | undefined;
  /** Resolves once `predicate` holds for `delivered`, or rejects after `timeoutMs`. */
  waitFor(predicate: (delivered: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint on loopback that verifies every request with the `standardwebhooks`
 * package, as a receiver written from the specification would, with `verifySecret`.
 */
export async function startReceiver(verifySecret: string): Promise<Receiver> {
  const verifier = new Webhook(verifySecret);
  const held: ServerResponse[] = [];
  const receiver: Omit<Receiver, 'url' | 'close' | 'waitFor'> = {
    attempts: [],
    delivered: [],
    rejected: [],
    answers: [],
    decide: undefined,
  };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let event: ReceivedEvent;
    try {
      const payload = verifier.verify(body, request.headers as Record<string, string>) as Omit<
        ReceivedEvent,
        'id' | 'receivedAt'
      >;
      event = { ...payload, id: String(request.headers['webhook-id']), receivedAt: Date.now() };
    } catch (error) {
      receiver.rejected.push(`${(error as Error).message}: ${body}`);
      response.writeHead(400).end();
      return;
    }
    receiver.attempts.push(event);
    const answer = receiver.decide?.(event) ?? receiver.answers.shift() ?? 204;
    if (answer === 'hang') {
      held.push(response);
      return;
    }
    if (answer >= 200 && answer < 300) receiver.delivered.push(event);
    response
      .writeHead(answer, answer >= 300 && answer < 400 ? { location: 'http://127.0.0.1:9/' } : {})
      .end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    async waitFor(predicate: (delivered: ReceivedEvent[]) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.delivered)) {
        if (Date.now() > deadline) {
          throw new Error(
            `webhooks not received in ${timeoutMs} ms; got ${JSON.stringify(receiver.delivered.map((e) => [e.type, e.data.reason]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return receiver.delivered;
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
