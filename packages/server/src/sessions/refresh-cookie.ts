import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/**
 * The refresh token cookie: HttpOnly, Secure, SameSite=Strict, Path=/api/auth, named
 * with the `__Secure-` prefix when Secure. Its expiry never reaches past the session's.
 */
export class RefreshCookie {
  readonly name: string;
  private readonly base: CookieSerializeOptions;

  constructor(config: Pick<Config, 'cookieSecure'>) {
    this.name = config.cookieSecure ? '__Secure-tenure_refresh' : 'tenure_refresh';
    this.base = { httpOnly: true, secure: config.cookieSecure, sameSite: 'strict', path: '/api/auth' };
  }

  read(request: FastifyRequest): string | undefined {
    return request.cookies[this.name];
  }

  set(reply: FastifyReply, token: string, sessionExpiresAt: Date, nowMs: number): void {
    reply.setCookie(this.name, token, {
      ...this.base,
      expires: sessionExpiresAt,
      maxAge: Math.max(0, Math.floor((sessionExpiresAt.getTime() - nowMs) / 1000)),
    });
  }

  /** Cleared with the same attributes it was set with, or browsers keep it. */
  clear(reply: FastifyReply): void {
    reply.clearCookie(this.name, this.base);
  }
}
