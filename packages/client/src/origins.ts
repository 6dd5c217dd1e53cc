/**
 * Which requests are the Tenure server's business. The access token is a bearer secret: a
 * request through `api` gets it only when it goes to the Tenure server's origin (`baseURL`'s,
 * or the page's for a relative `baseURL`) or to an origin the app listed in `tokenOrigins`.
 */
export interface RequestScope {
  /** May a request to this resolved URL carry the access token (and refresh on its 401s)? */
  carriesToken(url: string): boolean;
  /** Is this resolved URL one of Tenure's `/api/auth` endpoints (which want the CSRF header)? */
  isTenureAuth(url: string): boolean;
}

export interface RequestScopeOptions {
  baseURL: string;
  tokenOrigins: readonly string[];
  /** The page's origin in a browser; undefined in Node, where only absolute URLs resolve. */
  pageOrigin: string | undefined;
}

export function createRequestScope(options: RequestScopeOptions): RequestScope {
  const resolve = (url: string) => httpUrl(url, options.pageOrigin);
  const home = resolve(options.baseURL === '' ? '/' : options.baseURL);
  const authPath = `${home?.pathname.replace(/\/+$/, '') ?? ''}/api/auth`;
  const allowed = new Set<string>(home ? [home.origin] : []);
  for (const origin of options.tokenOrigins) {
    const parsed = httpUrl(origin, undefined);
    if (!parsed) throw new TypeError(`tokenOrigins: ${JSON.stringify(origin)} is not an http(s) origin`);
    allowed.add(parsed.origin);
  }

  return {
    carriesToken(url) {
      const target = resolve(url);
      return target !== undefined && allowed.has(target.origin);
    },
    isTenureAuth(url) {
      const target = resolve(url);
      return (
        target !== undefined &&
        target.origin === home?.origin &&
        (target.pathname === authPath || target.pathname.startsWith(`${authPath}/`))
      );
    },
  };
}

/** The URL when it resolves to http(s); `javascript:`, `data:` and unparsable ones have no origin to trust. */
function httpUrl(url: string, base: string | undefined): URL | undefined {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
