import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { NewSecurityEvent } from '../security-events/security-event-repository.ts';
import { SecurityEventRepository } from '../security-events/security-event-repository.ts';

interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The id of the request being handled (the one in its log lines), if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Runs the rest of each request inside a scope that knows its id, so an audit row written
 * deep inside a service carries the id of the request that caused it, without threading it
 * through every call.
 */
async function requestContext(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    storage.run({ requestId: request.id }, done);
  });
}

export const requestContextPlugin = fp(requestContext, { name: 'tenure-request-context' });

/** The audit log's repository, adding the current request id to every event's detail. */
export class RequestScopedEventRepository extends SecurityEventRepository {
  override insert(event: NewSecurityEvent): Promise<void> {
    const requestId = currentRequestId();
    if (requestId === undefined) return super.insert(event);
    return super.insert({ ...event, detail: { ...event.detail, requestId } });
  }
}
