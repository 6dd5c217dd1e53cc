import { fastifyCookie, type SerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/**
 * The refresh token cookie: HttpOnly, Secure, SameSite=Strict, Path=/api/auth, named with the
 * `__Secure-` prefix when Secure. Its expiry never reaches past the session's. Written as a
 * plain `Set-Cookie` header, so it also works on an adopting app's own routes
 * (`reply.startSession`), where Tenure's cookie plugin is not registered.
 */
export class RefreshCookie {
  readonly name: string;
  private readonly base: SerializeOptions;

  constructor(config: Pick<Config, 'cookieSecure'>) {
    this.name = config.cookieSecure ? '__Secure-tenure_refresh' : 'tenure_refresh';
    this.base = { httpOnly: true, secure: config.cookieSecure, sameSite: 'strict', path: '/api/auth' };
  }

  read(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.name];
  }

  set(reply: FastifyReply, token: string, sessionExpiresAt: Date, nowMs: number): void {
    const maxAge = Math.max(0, Math.floor((sessionExpiresAt.getTime() - nowMs) / 1000));
    this.write(reply, token, { expires: sessionExpiresAt, maxAge });
  }

  /** Cleared with the same attributes it was set with, or browsers keep it. */
  clear(reply: FastifyReply): void {
    this.write(reply, '', { expires: new Date(0), maxAge: 0 });
  }

  private write(reply: FastifyReply, value: string, options: SerializeOptions): void {
    reply.header('set-cookie', fastifyCookie.serialize(this.name, value, { ...this.base, ...options }));
  }
}
