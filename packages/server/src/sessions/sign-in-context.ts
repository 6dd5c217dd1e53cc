import type { FastifyRequest } from 'fastify';
import { type DeviceInfo, describeDevice, type Geolocator, normalizeIp } from '../devices/index.ts';

/** What a sign-in or refresh request tells us about where it comes from. */
export interface SignInContext {
  /** The trusted client IP: the socket, or `X-Forwarded-For` only through TRUST_PROXY. */
  ipAddress: string | null;
  userAgent: string | null;
  device: Omit<DeviceInfo, 'userAgent'>;
  location: string | null;
  country: string | null;
  /** The request's id (the one in its log lines), recorded with the audit rows it causes. */
  requestId?: string;
}

/** Device and IP only: cheap, for routes that record an event but create no session. */
export function requestContext(request: FastifyRequest): SignInContext {
  const device = describeDevice(request.headers);
  return {
    // A malformed X-Forwarded-For through a trusted proxy can leave request.ip unusable.
    ipAddress: normalizeIp(request.ip) ?? normalizeIp(request.socket.remoteAddress),
    userAgent: device.userAgent || null,
    device,
    location: null,
    country: null,
    requestId: request.id,
  };
}

/** Adds the location (offline lookup, microseconds) for routes that create or extend a session. */
export async function signInContext(request: FastifyRequest, geolocator: Geolocator): Promise<SignInContext> {
  const context = requestContext(request);
  const location = await geolocator.locate(context.ipAddress);
  return { ...context, location: location?.label ?? null, country: location?.country ?? null };
}
