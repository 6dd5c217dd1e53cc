import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isConnectionError } from '../db/errors.ts';
import { type ErrorCode, StoreUnavailableError, TenureError, toEnvelope } from '../errors.ts';

// Fastify's own error codes, mapped onto ours.
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_BAD_URL: 'invalid_request',
  FST_ERR_ASYNC_CONSTRAINT: 'invalid_request',
};

const friendly: Partial<Record<ErrorCode, string>> = {
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Send JSON with Content-Type: application/json.',
  rate_limited: 'Too many requests. Please try again later.',
};

export function toTenureError(error: unknown): TenureError {
  if (error instanceof TenureError) return error;
  if (isConnectionError(error)) return new StoreUnavailableError('database', error);
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped) {
    const message =
      fastifyError.validation && fastifyError.validationContext
        ? `Invalid ${fastifyError.validationContext}: ${fastifyError.message}`
        : (friendly[mapped] ?? fastifyError.message);
    return new TenureError(mapped, message);
  }
  if (fastifyError.statusCode === 429) return new TenureError('rate_limited', friendly.rate_limited!);
  // Any other 4xx Fastify raises itself (malformed JSON, bad headers) is the client's mistake.
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new TenureError('invalid_request', fastifyError.message);
  }
  return new TenureError('internal_error', 'Something went wrong on our side.', { cause: error });
}

/** How much of an oversized body is read (and thrown away) before the 413, at most. */
const DISCARD_MAX_BYTES = 8 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/**
 * Reads the rest of a request body without keeping it, until it ends or a cap is reached.
 * Fastify refuses an oversized body before reading it and closes the connection after the 413;
 * closing a socket with unread bytes makes the kernel reset the connection, and a client still
 * sending its body then gets EPIPE or ECONNRESET instead of the answer. Reading the rest first
 * (both for a Content-Length body, which Fastify never started, and a chunked one, which it
 * stopped at the limit) lets the close be a clean one. Past the caps the client is cut off.
 */
function discardRestOfBody(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let discarded = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DISCARD_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DISCARD_MAX_MS).unref();
    raw.on('data', onData).once('end', done).once('close', done).once('error', done);
    raw.resume();
  });
}

/** The one error handler: envelope, stable code, no stack; outages answer 503. */
async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const tenureError = toTenureError(error);
    if (tenureError.code === 'payload_too_large') await discardRestOfBody(request.raw);
    if (tenureError.status >= 500) {
      request.log.error(
        { err: error },
        tenureError.code === 'unavailable' ? 'dependency unavailable' : 'unhandled error',
      );
    }
    if (tenureError.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(tenureError.retryAfterSeconds));
    }
    return reply.status(tenureError.status).send(toEnvelope(tenureError));
  });
}

export const errorHandlerPlugin = fp(errorHandler, { name: 'tenure-error-handler' });
